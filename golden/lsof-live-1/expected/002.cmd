lsof -i4 -nP
