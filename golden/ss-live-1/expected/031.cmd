PROC_ROOT=/proc ss -tpT
