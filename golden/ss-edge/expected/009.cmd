PROC_ROOT=/proc ss -uae
