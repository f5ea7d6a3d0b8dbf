netstat -ae --numeric-users
