PROC_ROOT=/proc ss -tai
