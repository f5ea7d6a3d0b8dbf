netstat -anpeo
