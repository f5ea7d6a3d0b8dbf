netstat -A inet6 -e
