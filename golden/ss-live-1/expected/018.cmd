PROC_ROOT=/proc ss -H -tan
