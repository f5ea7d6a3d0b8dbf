netstat -aee
