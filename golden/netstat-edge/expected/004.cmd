netstat -ant
