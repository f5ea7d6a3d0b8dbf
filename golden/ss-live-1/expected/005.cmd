PROC_ROOT=/proc ss -ta
