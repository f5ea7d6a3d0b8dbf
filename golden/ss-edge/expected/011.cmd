PROC_ROOT=/proc ss -wan
