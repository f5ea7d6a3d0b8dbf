lsof -iUDPlite -nP
