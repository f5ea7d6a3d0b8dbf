lsof -i -a -c /^my/ -nP
