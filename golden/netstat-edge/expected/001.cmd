netstat -a
