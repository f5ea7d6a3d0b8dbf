lsof -i -Tqs -nP
