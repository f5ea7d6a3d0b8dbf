PROC_ROOT=/proc ss -f netlink -an
