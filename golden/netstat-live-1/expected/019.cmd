netstat -taneo
