PROC_ROOT=/proc ss -xl
