netstat -r
