netstat -sw6
