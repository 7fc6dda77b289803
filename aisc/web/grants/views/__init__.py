"""Portal views of the grants domain: thin, each parses, checks authz, calls one do_*, renders."""
