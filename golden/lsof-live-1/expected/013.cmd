lsof -U -nP -Tq
