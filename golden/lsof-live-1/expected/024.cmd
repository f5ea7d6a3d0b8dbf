lsof -U -t
