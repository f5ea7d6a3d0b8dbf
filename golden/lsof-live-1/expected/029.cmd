lsof -i :9999
