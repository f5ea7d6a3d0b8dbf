lsof -i
