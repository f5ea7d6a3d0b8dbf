netstat -t
