PROC_ROOT=/proc ss -ar
