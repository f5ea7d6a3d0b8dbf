netstat --tcp --all --programs --extend
