netstat -g
