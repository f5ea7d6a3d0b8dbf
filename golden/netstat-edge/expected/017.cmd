netstat -aW -p -e -o
