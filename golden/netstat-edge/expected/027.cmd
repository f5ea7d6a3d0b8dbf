netstat -a4
