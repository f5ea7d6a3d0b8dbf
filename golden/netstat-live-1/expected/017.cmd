netstat -tanp
