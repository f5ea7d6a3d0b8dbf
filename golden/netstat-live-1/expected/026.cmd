netstat -A inet
