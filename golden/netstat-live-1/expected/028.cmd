netstat -A inet,inet6 -a
