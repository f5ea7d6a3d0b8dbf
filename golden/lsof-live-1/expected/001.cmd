lsof -i -n -P
