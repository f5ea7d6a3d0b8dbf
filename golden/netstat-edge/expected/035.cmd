netstat -avx --ax25
