"""The web side: a Twisted server exposing every RD's services and tables."""
