"""The RD language: resource descriptors, their elements, references and metadata."""
