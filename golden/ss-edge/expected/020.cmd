PROC_ROOT=/proc ss -xa src /run/u1*
