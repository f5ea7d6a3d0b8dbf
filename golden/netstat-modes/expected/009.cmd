netstat -i
