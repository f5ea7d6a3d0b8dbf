netstat -s
