netstat -ax
