lsof -i -a -u nobody
