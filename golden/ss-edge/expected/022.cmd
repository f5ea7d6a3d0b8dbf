PROC_ROOT=/proc ss -ta dst 10.1.2.3
