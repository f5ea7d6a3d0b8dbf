netstat -ie
