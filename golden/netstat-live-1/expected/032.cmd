netstat -ae
