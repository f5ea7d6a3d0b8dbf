netstat -ta
