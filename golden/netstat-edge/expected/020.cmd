netstat -wa
