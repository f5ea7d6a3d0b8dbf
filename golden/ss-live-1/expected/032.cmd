PROC_NET_TCP=/proc/net/tcp ss -tn
