lsof -i -Fpcfn
