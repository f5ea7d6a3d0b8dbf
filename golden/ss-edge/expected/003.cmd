PROC_ROOT=/proc ss -tan
