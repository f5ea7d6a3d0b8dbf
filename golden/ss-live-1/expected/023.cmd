PROC_ROOT=/proc ss -ta dst 127.0.0.1
