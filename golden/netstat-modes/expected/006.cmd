netstat -rC
