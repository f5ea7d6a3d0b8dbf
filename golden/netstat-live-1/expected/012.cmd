netstat -anp
