netstat -at6 --numeric-hosts
