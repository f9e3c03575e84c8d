"""predict() over chunks larger than the user's batches, where that cannot change a number.

Keras' `predict` runs `batch_size` rows at a time (32 unless told). In tkeras every batch pays the
Python of each layer's `__call__`; on a small model and Keras' default batch that is ~15 % of a CPU
predict. A forward pass in inference is row-independent, so running 128 rows at once computes the
same function, and on the CPU torch's kernels give the same bits for a row whatever the batch (checked
for the seed models' Dense/Embedding/RNN shapes). Because that is a property of the kernels and not a
law, each call checks it: the first user batch is also run alone and compared bit for bit with its
rows of the first chunk; any difference and the call goes back to the user's batches. Chunks stay
small: 1,024 rows made a SimpleRNN predict 1.7x slower than batches of 128 (its activations leave the
cache), while 128-row chunks took 0.63x (SimpleRNN) and 0.75x (MLP) of the time of batches of 32.

Chunks are used only where nothing can tell: CPU, in-memory arrays, the built-in predict_step, no
stateful layer (its states follow the batches), no `steps`, no distribution, and no callback hearing
predict batches except the progress bar (which is told the last user batch each chunk finished).
"""
import math

import torch

from tkeras.backend import core_sharing
from tkeras.callbacks.progbar_logger import ProgbarLogger
from tkeras.training.data_adapter import ArrayBatches
from tkeras.utils import tree

CHUNK_ROWS = 128


def chunk_size(model, batches, steps, callback_list, predict_step_overridden, distributed):
    """Rows per chunk for this predict call, or None to keep the user's batches."""
    if distributed or steps is not None or predict_step_overridden or not isinstance(batches, ArrayBatches):
        return None
    if batches._device.type != "cpu" or batches.batch_size >= CHUNK_ROWS:
        return None
    if batches.steps != batches.num_batches:  # a step cap (keras.config.set_max_steps_per_epoch) holds
        return None
    for hook in ("on_predict_batch_begin", "on_predict_batch_end"):
        if any(not isinstance(cb, ProgbarLogger) for cb in callback_list._batch_listeners.get(hook, ())):
            return None
    if any(getattr(layer, "stateful", False) for layer in model.modules() if layer is not model):
        return None
    return CHUNK_ROWS - CHUNK_ROWS % batches.batch_size  # whole user batches, for the progress bar


def rows_agree(chunk_output, alone_output, rows):
    """Whether the first `rows` rows of a chunk's outputs equal the same rows run alone, bit for bit."""
    chunk_leaves, alone_leaves = tree.flatten(chunk_output), tree.flatten(alone_output)
    if len(chunk_leaves) != len(alone_leaves):
        return False
    return all(isinstance(c, torch.Tensor) and isinstance(a, torch.Tensor) and c.shape[1:] == a.shape[1:]
               and torch.equal(c[:rows], a) for c, a in zip(chunk_leaves, alone_leaves))


def run_chunked(batches, rows, predict_step, callback_list, finish):
    """The outputs of every chunk (via `finish`), or None when the first chunk's rows disagreed."""
    user_batch = batches.batch_size
    x = batches.x
    take = lambda start, stop: tree.map_structure(lambda t: t[start:stop], x)
    outputs = []
    for start in range(0, batches.num_samples, rows):
        stop = min(start + rows, batches.num_samples)
        out = finish(predict_step((take(start, stop), None, None)))
        if start == 0 and stop > user_batch:
            alone = finish(predict_step((take(0, user_batch), None, None)))
            if not rows_agree(out, alone, user_batch):
                return None
        outputs.append(out)
        core_sharing.tick()
        callback_list.on_predict_batch_end(math.ceil(stop / user_batch) - 1, {"outputs": out})
    return outputs
