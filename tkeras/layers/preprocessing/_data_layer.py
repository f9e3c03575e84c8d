"""Keras 3's DataLayer method shared by the preprocessing layers that may run inside a data pipeline.

Keras switches such a layer to the pipeline's backend (TensorFlow inside tf.data) and hands its weights
over with `convert_weight`. tkeras layers compute with torch everywhere, so the method only brings
weights held by other libraries (NumPy, TensorFlow, JAX arrays) into torch.
"""
import numpy as np
import torch


class DataLayerMethods:
    def convert_weight(self, weight):
        """`weight` as this layer computes with it: torch tensors and tkeras variables as they are,
        arrays of any other library as a torch tensor of the same values and dtype."""
        if isinstance(weight, torch.Tensor):
            return weight
        if hasattr(weight, "numpy") and not isinstance(weight, np.ndarray):
            weight = weight.numpy()
        return torch.as_tensor(np.asarray(weight))
