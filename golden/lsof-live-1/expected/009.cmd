lsof -i @[::1] -nP
