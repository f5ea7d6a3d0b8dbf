netstat -anpee
