PROC_ROOT=/proc ss -xa
