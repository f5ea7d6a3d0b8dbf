netstat -iea
