lsof -V -i TCP:9999 -i UDP:5353 -nP
