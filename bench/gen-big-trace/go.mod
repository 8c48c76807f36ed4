module tracedeck.local/gen-big-trace

go 1.26
