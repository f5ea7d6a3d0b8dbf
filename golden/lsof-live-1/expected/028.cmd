lsof -U -F pcfdintT
