PROC_ROOT=/proc ss -s
