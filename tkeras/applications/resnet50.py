"""`keras.applications.resnet50`: Keras 2's module for ResNet50, the same objects as `resnet`'s."""
from tkeras.applications.resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
