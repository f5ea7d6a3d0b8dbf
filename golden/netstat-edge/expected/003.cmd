netstat -at
