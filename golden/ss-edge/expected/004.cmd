PROC_ROOT=/proc ss -tanp
