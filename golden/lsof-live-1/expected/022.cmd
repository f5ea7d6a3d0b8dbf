lsof -i -T
