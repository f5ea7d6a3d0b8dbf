PROC_ROOT=/proc ss -H -ua
