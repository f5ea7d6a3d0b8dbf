PROC_ROOT=/proc ss -a4
