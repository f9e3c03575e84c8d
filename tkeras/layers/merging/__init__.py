"""Merge layers for the functional API: they take a list of tensors (and a list of shapes)."""
