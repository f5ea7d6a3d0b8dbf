netstat -rn6
