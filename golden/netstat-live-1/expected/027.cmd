netstat -A unix
