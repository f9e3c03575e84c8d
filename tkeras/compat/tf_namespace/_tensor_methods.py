"""TensorFlow's `get_shape()` and `set_shape()` on the plain torch tensors that layer code receives.

User-level results are EagerTensors, which have TensorFlow's methods; inside a layer's `call`, and in a
dataset's `map` while `fit` runs, tensors are plain torch tensors (the EagerTensor view costs a
`__torch_function__` round trip per op, kept out of those loops). tf.keras 2 code calls the two methods
there all the same: `B, L, C = x.get_shape().as_list()` in keras-io's Swin Transformer blocks,
`image.set_shape([None, None, 3])` in FixRes' preprocessing. torch has neither name, so importing the
TensorFlow stand-in adds both to torch.Tensor (the same functions EagerTensor uses); nothing else of
torch is changed, and no existing attribute is replaced.
"""
import torch

from tkeras.backend.eager_tensor import get_shape, set_shape


def install():
    for name, method in (("get_shape", get_shape), ("set_shape", set_shape)):
        if not hasattr(torch.Tensor, name):
            setattr(torch.Tensor, name, method)
