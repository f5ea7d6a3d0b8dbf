netstat -l
