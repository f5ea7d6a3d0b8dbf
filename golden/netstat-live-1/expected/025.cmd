netstat -aA inet6
