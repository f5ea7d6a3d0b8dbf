PROC_ROOT=/proc ss -an
