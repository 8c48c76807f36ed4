module tlog

go 1.27
