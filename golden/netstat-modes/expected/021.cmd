netstat -sx
