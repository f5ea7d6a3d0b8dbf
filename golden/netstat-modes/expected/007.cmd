netstat -r -A inet,inet6
