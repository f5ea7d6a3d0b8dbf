netstat -6 -a -p
