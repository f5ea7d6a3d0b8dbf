PROC_ROOT=/proc ss -ua
