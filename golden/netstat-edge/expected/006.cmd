netstat -tl
