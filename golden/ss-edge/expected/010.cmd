PROC_ROOT=/proc ss -wa
