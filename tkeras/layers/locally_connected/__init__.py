"""tf-keras 2's locally connected layers (unshared convolutions), kept for Keras 2 models."""
