"""Convolution layers in Keras' weight layout on torch's convolution kernels."""
