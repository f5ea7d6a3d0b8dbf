PROC_ROOT=/proc ss -t state listening
