netstat -ano
