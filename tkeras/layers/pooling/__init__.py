"""Pooling layers with TensorFlow's window geometry (asymmetric 'same' padding, padding excluded from averages)."""
