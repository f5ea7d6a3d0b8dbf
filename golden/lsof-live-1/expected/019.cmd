lsof -i -l -R -g
