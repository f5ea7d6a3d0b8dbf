PROC_ROOT=/proc ss -tano
