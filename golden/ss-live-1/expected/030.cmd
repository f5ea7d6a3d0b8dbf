PROC_ROOT=/proc ss -A unix,tcp
