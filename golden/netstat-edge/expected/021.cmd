netstat -wan
