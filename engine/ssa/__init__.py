"""Simple Spectral Access 1.1: queries over //ssap#hcd tables (engine/ssa/ssa1.py)."""
