"""A reshape to a fixed shape while a layer is probed for its output shape.

Keras learns a layer's output shape by tracing `call` on a tensor whose batch size is unknown, and
TensorFlow's reshape accepts any fully given target there as long as the known part of the input (the
dims after the batch) divides it: keras-io's Switch Transformer flattens its inputs to
`[batch_size * tokens, dim]` with the batch size written into the code, and later reshapes back with
`tf.shape(inputs)[0]`. tkeras probes with real zero batches of a few rows (probe_scope.py), where the
element counts cannot match; as the traced result has exactly the requested shape, the probe gets zeros
of that shape (values are meaningless in a probe). Outside a probe, or when TensorFlow's tracing would
refuse the reshape too, the caller keeps torch's error.
"""
import math

import torch

from tkeras.backend.stateless_scope import in_symbolic_scope


def probe_stand_in(x, target):
    """Zeros of `target` for a reshape torch refused during a probe, or None where the error stands."""
    if not in_symbolic_scope() or not isinstance(x, torch.Tensor) or x.dim() == 0:
        return None
    target = _dims(target)
    per_example = math.prod(x.shape[1:])
    if per_example == 0:
        return None
    if -1 in target:
        # TensorFlow leaves the -1 dim unknown when the batch size is: `tf.reshape(y, (-1, 5, tf.shape(y)[-1]))`
        # of a (None, 20) tensor traces to (None, 5, 20). The dim follows the probe's batch size here, so
        # the two probes disagree on it and the graph records it as unknown too.
        if target.count(-1) > 1 or math.prod(d for d in target if d != -1) == 0:
            return None
        return torch.zeros(tuple(x.shape[0] if d == -1 else d for d in target), dtype=x.dtype, device=x.device)
    if math.prod(target) % per_example:
        return None
    return torch.zeros(target, dtype=x.dtype, device=x.device)


def _dims(target):
    if isinstance(target, torch.Tensor):
        target = target.tolist()
    if not isinstance(target, (list, tuple)):
        target = (target,)
    return tuple(-1 if d is None else int(d) for d in target)
