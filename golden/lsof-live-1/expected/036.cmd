lsof -h
