netstat -xa
