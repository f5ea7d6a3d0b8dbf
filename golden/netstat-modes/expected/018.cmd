netstat -su
