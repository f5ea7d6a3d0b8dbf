lsof -i :80
