ss -f bogus
