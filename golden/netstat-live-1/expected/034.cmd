netstat -tlp
