netstat -a6
