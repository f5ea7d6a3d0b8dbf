netstat -aW
