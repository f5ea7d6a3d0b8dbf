PROC_ROOT=/proc ss -ta dst [::ffff:10.1.2.3]
