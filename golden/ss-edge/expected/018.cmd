PROC_ROOT=/proc ss -ta state connected
