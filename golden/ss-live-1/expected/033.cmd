PROC_NET_UNIX=/proc/net/unix ss -x
