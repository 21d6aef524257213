"""The element classes of the RD language, one module per area."""
