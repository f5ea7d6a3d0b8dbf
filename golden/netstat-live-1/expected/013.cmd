netstat -anpe
