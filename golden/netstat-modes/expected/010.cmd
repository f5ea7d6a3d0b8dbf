netstat -ia
