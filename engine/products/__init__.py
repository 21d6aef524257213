"""Data products: files published by RDs (dc.products), served, previewed."""
