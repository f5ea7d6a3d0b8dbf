PROC_ROOT=/proc ss -f netlink -a
