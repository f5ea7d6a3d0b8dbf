PROC_ROOT=/proc ss -a src unix:/tmp/*
