"""Normalization layers (BatchNormalization, LayerNormalization) with Keras' statistics and weight order."""
