"""TAP 1.1: ADQL queries over every table an RD marks adql="True", sync and async."""
