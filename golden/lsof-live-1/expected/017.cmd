lsof -i -u ^nobody -nP
