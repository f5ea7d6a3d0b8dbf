netstat -uano
