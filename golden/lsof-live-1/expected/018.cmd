lsof -i -a -d 3-6 -nP
