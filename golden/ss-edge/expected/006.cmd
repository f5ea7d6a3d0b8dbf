PROC_ROOT=/proc ss -tao
