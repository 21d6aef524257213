"""Source parsers: each grammar turns source files into column-oriented row batches."""
