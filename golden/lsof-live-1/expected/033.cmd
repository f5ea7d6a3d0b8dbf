lsof -i :80-22
