PROC_ROOT=/proc ss -tulpn
