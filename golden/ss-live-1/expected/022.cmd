PROC_ROOT=/proc ss -ta '( sport = :8080 or dport = :8080 )'
