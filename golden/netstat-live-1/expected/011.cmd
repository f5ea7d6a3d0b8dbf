netstat -an
