"""Activation functions as layers with their own arguments (ReLU(max_value), LeakyReLU, PReLU, ELU, Softmax)."""
