PROC_ROOT=/proc ss -uan
