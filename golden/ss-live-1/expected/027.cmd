PROC_ROOT=/proc ss -6 -a
