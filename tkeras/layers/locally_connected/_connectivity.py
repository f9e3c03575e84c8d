"""Which input positions each output position of an unshared convolution sees, in tf-keras' rules.

tf-keras lays the weights of LocallyConnected1D/2D out three ways (`implementation` 1, 2, 3); the
layouts 2 and 3 are defined by a connectivity mask and a sorted list of (output index, input index)
pairs, so a file written by tf-keras is only readable with exactly these rules. Note that tf-keras'
'same' window starts at `position * stride - kernel // 2` (clipped at the borders), which is not
TensorFlow's 'same' convolution padding for strides > 1. Plain NumPy on small ints, run at build.
"""
import itertools

import numpy as np


def output_length(length, kernel, padding, stride):
    """tf-keras' conv_output_length without dilation: 'same' keeps ceil(length / stride) positions."""
    kept = length if padding == "same" else length - kernel + 1
    return (kept + stride - 1) // stride


def connected_ranges(input_shape, kernel, position, strides, padding):
    """For one output position, the range of input positions along each spatial axis."""
    ranges = []
    for n, k, p, s in zip(input_shape, kernel, position, strides):
        left = k // 2
        center = p * s + (left if padding == "valid" else 0)
        ranges.append(range(max(0, center - left), min(n, center + k - left)))
    return ranges


def kernel_mask(input_shape, kernel, strides, padding):
    """Bool array (input spatial..., output spatial...): True where an input feeds an output."""
    out_shape = tuple(output_length(n, k, padding, s) for n, k, s in zip(input_shape, kernel, strides))
    mask = np.zeros(tuple(input_shape) + out_shape, dtype=bool)
    for position in itertools.product(*(range(n) for n in out_shape)):
        for source in itertools.product(*connected_ranges(input_shape, kernel, position, strides, padding)):
            mask[source + position] = True
    return mask


def kernel_indices(input_shape, kernel, strides, padding, filters_in, filters_out, data_format):
    """(out_index, in_index) pairs of implementation 3's sparse kernel, sorted as tf-keras sorts them.

    Indices are into the flattened output and input in the layer's data_format."""
    mask = kernel_mask(input_shape, kernel, strides, padding)
    rank = len(input_shape)
    out_shape = mask.shape[rank:]
    pairs = np.argwhere(mask)  # rows: input position..., output position...
    f_in, f_out = np.meshgrid(np.arange(filters_in), np.arange(filters_out), indexing="ij")
    f_in, f_out = f_in.ravel(), f_out.ravel()
    sources = np.repeat(pairs[:, :rank], len(f_in), axis=0)
    targets = np.repeat(pairs[:, rank:], len(f_in), axis=0)
    f_in, f_out = np.tile(f_in, len(pairs)), np.tile(f_out, len(pairs))
    if data_format == "channels_first":
        in_idx = np.ravel_multi_index((f_in, *sources.T), (filters_in,) + tuple(input_shape))
        out_idx = np.ravel_multi_index((f_out, *targets.T), (filters_out,) + tuple(out_shape))
    else:
        in_idx = np.ravel_multi_index((*sources.T, f_in), tuple(input_shape) + (filters_in,))
        out_idx = np.ravel_multi_index((*targets.T, f_out), tuple(out_shape) + (filters_out,))
    order = np.lexsort((in_idx, out_idx))
    return np.stack([out_idx[order], in_idx[order]], axis=1)
