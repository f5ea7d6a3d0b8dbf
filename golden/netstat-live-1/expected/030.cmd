netstat -a --numeric-ports
