"""ObsCore 1.1: ivoa.obscore, a view over the tables whose RDs publish into it."""
