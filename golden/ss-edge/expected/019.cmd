PROC_ROOT=/proc ss -ta sport = :http
