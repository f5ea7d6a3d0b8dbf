lsof -i foo
