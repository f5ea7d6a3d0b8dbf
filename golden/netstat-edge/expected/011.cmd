netstat -aeW --numeric-users
