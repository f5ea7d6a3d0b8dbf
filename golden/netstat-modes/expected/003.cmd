netstat -rnee
