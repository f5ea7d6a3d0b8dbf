PROC_ROOT=/proc ss -tane
