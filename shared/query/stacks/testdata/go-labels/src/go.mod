module tracedeck.test/labels

go 1.27
