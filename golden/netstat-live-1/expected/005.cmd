netstat -ua
