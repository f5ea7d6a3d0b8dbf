netstat -anW
