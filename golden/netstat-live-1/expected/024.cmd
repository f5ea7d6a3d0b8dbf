netstat -tn6
