netstat -4 -a
