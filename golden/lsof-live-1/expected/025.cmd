lsof -i -F
