netstat -x
