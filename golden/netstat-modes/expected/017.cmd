netstat -st
