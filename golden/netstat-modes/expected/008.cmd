netstat -rx
