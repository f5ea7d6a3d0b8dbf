netstat -a --numeric-hosts
