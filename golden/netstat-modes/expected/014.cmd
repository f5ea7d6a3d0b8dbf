netstat -gn
