netstat -r6
