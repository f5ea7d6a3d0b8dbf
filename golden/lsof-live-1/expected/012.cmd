lsof -U
