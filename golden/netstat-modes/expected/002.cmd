netstat -rne
