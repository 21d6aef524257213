"""DataLink 1.1: the links of a product (the file, its preview, its ancillary
files, its cutout service) and the dlget/dlasync side that runs SODA cutouts."""
