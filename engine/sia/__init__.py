"""Simple Image Access: SIA 1.0 over tables mixing in //siap#pgs, SIA 2.0 over
ivoa.obscore — parameters checked and turned into indexed SQL."""
