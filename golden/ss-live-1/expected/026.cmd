PROC_ROOT=/proc ss -4 -a
