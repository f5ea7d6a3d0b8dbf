netstat -tanpeo
