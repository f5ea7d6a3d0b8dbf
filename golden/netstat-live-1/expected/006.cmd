netstat -w
