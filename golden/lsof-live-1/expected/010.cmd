lsof -iUDP
