netstat -xl
