netstat -xlp
