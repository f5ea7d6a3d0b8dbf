netstat -Ua
