lsof -i -a -c postgres
