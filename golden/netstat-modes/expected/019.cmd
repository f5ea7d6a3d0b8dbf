netstat -s6
