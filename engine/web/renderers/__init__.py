"""Renderers: one module per protocol or page kind, each parsing its own parameters."""
