netstat -ap
