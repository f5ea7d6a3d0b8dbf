netstat -uanpe
