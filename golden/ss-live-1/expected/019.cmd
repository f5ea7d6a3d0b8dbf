PROC_ROOT=/proc ss -t state established
