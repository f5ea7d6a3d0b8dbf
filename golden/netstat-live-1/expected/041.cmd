netstat --unix --listening --programs
