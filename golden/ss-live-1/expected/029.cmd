PROC_ROOT=/proc ss -tr
