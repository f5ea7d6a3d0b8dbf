lsof -iTCP -sTCP:LISTEN
