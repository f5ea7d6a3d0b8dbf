netstat -u
