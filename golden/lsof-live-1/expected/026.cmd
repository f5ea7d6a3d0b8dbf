lsof -i -F0 -nP
