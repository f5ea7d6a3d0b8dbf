netstat -rn
