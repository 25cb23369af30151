// A test file: not a route, not read.
