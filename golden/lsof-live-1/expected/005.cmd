lsof -i -sTCP:^LISTEN -nP
