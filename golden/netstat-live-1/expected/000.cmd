netstat
