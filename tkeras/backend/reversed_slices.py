"""Basic indexing with negative slice steps (`rewards[::-1]`, `image[..., ::-1]`), which NumPy and
TensorFlow accept and torch refuses ("step must be greater than zero").

Each negative-step slice is replaced by the positive-step slice that picks the same elements, and the
dimension it produces is flipped afterwards; the result is the tensor NumPy would give. Only keys made
of ints, slices, None and Ellipsis are rewritten: a key with tensor, list or boolean indices (advanced
indexing, whose output dimensions move) is left to torch as it is.
"""
import torch


def has_negative_step(key):
    """Cheap test, done before anything else, so ordinary keys pay one isinstance check per element."""
    if isinstance(key, slice):
        return key.step is not None and key.step < 0
    if isinstance(key, tuple):
        return any(isinstance(k, slice) and k.step is not None and k.step < 0 for k in key)
    return False


def _is_basic(item):
    return item is None or item is Ellipsis or isinstance(item, (int, slice)) and not isinstance(item, bool)


def _ascending(index, size):
    """The positive-step slice selecting what `index` (a negative-step slice) selects, in reverse order."""
    picked = range(*index.indices(size))
    if not picked:
        return slice(0, 0)
    return slice(picked[-1], picked[0] + 1, -index.step)


def getitem(tensor, key):
    """`tensor[key]` with NumPy's meaning of negative steps; `key` must pass `has_negative_step`."""
    items = key if isinstance(key, tuple) else (key,)
    if not all(_is_basic(item) for item in items):
        raise IndexError("tensor indexing: negative slice steps combined with tensor, list or boolean indices "
                         "are not supported; reverse first (tf.reverse / ops.flip), then index")
    consuming = sum(1 for item in items if item is not None and item is not Ellipsis)
    if sum(1 for item in items if item is Ellipsis) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    expanded = []
    for item in items:
        expanded.extend([slice(None)] * (tensor.dim() - consuming) if item is Ellipsis else [item])
    rewritten, flips, input_dim, output_dim = [], [], 0, 0
    for item in expanded:
        if item is None:
            rewritten.append(None)
            output_dim += 1
        elif isinstance(item, int):
            rewritten.append(item)
            input_dim += 1
        else:
            if item.step is not None and item.step < 0:
                rewritten.append(_ascending(item, tensor.shape[input_dim]))
                flips.append(output_dim)
            else:
                rewritten.append(item)
            input_dim += 1
            output_dim += 1
    result = torch.Tensor.__getitem__(tensor, tuple(rewritten))
    return torch.flip(result, flips) if flips else result


def without_negative_strides(array):
    """A NumPy array torch can view: a reversed view (`x[..., ::-1]`, what `vgg19.preprocess_input` returns)
    copied, since torch refuses negative strides; any other array as it is."""
    if array.ndim and min(array.strides) < 0:
        return array.copy()
    return array
