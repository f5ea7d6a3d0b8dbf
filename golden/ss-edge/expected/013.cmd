PROC_ROOT=/proc ss -xap
