netstat -aneW
