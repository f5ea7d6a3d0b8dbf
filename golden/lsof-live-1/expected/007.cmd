lsof -i TCP:3306,5432 -n
