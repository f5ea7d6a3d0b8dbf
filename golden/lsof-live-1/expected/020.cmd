lsof -i +c 0 -nP
