netstat -g6
