PROC_ROOT=/proc ss -0a
