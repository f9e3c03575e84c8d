"""Attention layers (MultiHeadAttention, Attention, AdditiveAttention) in Keras 3's weight layout."""
