netstat -xap
