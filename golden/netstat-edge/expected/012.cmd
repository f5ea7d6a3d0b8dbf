netstat -ao
