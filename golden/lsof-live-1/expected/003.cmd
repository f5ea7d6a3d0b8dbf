lsof -i6
