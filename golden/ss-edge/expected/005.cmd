PROC_ROOT=/proc ss -tae
