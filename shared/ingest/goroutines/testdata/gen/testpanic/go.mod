module testpanic

go 1.26
