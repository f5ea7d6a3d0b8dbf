ss -y
