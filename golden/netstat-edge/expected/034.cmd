netstat --ipx
