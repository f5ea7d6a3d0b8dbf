PROC_ROOT=/proc ss -ta sport gt :1000
