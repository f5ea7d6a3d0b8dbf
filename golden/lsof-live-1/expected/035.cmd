lsof -a
