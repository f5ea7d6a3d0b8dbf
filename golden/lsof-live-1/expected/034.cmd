lsof -p abc
