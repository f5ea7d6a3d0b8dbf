PROC_ROOT=/proc ss
