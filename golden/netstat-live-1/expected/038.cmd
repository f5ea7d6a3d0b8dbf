netstat -tS
