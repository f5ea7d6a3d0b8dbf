PROC_ROOT=/proc ss -ta exclude time-wait
