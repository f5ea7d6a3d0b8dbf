netstat -av
