module dumpgen

go 1.27
