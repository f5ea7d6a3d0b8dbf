netstat -at --numeric-ports
