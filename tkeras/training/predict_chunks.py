"""predict() over chunks larger than the user's batches, where that cannot change a number.

Keras' `predict` runs `batch_size` rows at a time (32 unless told). In tkeras every batch pays the
Python of each layer's `__call__`, and the kernels of small models run faster on more rows: predict
throughput of the seed models on the 2-core CPU, user batch -> 512-row chunks (samples/s): MNIST MLP
128 -> 256 rows 146k -> 185k/s, SimpleRNN 128 -> 512 71k -> 95k/s, Reuters LSTM 100 -> 500 6.8k ->
7.4k/s, CNN-BiLSTM 64 -> 512 3.7k -> 3.9k/s (4.3k/s at 256). A forward pass in inference is
row-independent, so a chunk computes the same function, and on the CPU torch's kernels mostly give a
row the same bits whatever the batch; but not always (the MNIST MLP's oneDNN products differ between
128 and 512 rows). So each call checks the chunk size it will use: the first chunk's first and last
user batches are also run alone and compared bit for bit; on a difference the size is halved and
checked once more, then the call goes back to the user's batches. A size that disagreed is
remembered for the model and that input signature, so later calls do not pay for it again. Only
whole chunks of the checked size are run; the rows after the last whole chunk run in the user's
batches. Calls of fewer than eight user batches keep them: the check would cost more than chunks save.

Chunks are used only where nothing can tell: CPU, in-memory arrays, the built-in predict_step, no
stateful layer (its states follow the batches), no `steps`, no distribution, and no callback hearing
predict batches except the progress bar (which is told the last user batch each chunk finished).
"""
import math

import torch

from tkeras.backend import core_sharing
from tkeras.callbacks.progbar_logger import ProgbarLogger
from tkeras.training.data_adapter import ArrayBatches, is_ragged
from tkeras.utils import tree

CHUNK_ROWS = 512
MIN_BATCHES = 8  # the check runs two user batches a second time: below this, chunks do not pay
SIZES_TRIED = 2  # a chunk size and its half, then the user's batches


def chunk_size(model, batches, steps, callback_list, predict_step_overridden, distributed):
    """Rows per chunk for this predict call, or None to keep the user's batches."""
    if distributed or steps is not None or predict_step_overridden or not isinstance(batches, ArrayBatches):
        return None
    if batches._device.type != "cpu" or 2 * batches.batch_size > CHUNK_ROWS:
        return None
    if any(is_ragged(t) for t in tree.flatten(batches.x)):
        return None  # ragged rows are padded per batch: a chunk's padding differs from its batches'
    if batches.steps != batches.num_batches or batches.num_batches < MIN_BATCHES:
        return None  # (a step cap, keras.config.set_max_steps_per_epoch, holds; or too few batches)
    for hook in ("on_predict_batch_begin", "on_predict_batch_end"):
        if any(not isinstance(cb, ProgbarLogger) for cb in callback_list._batch_listeners.get(hook, ())):
            return None
    if any(getattr(layer, "stateful", False) for layer in model.modules() if layer is not model):
        return None
    return CHUNK_ROWS - CHUNK_ROWS % batches.batch_size  # whole user batches, for the progress bar


def rows_agree(chunk_output, alone_output, rows, offset=0):
    """Whether rows `offset` to `offset + rows` of a chunk's outputs equal the same rows run alone, bit
    for bit."""
    chunk_leaves, alone_leaves = tree.flatten(chunk_output), tree.flatten(alone_output)
    if len(chunk_leaves) != len(alone_leaves):
        return False
    return all(isinstance(c, torch.Tensor) and isinstance(a, torch.Tensor) and c.shape[1:] == a.shape[1:]
               and torch.equal(c[offset:offset + rows], a) for c, a in zip(chunk_leaves, alone_leaves))


def run_chunked(batches, rows, predict_step, callback_list, finish, misses):
    """The outputs of every chunk and of the user batches after them (via `finish`), or None when no
    chunk size tried gave the user batches' bits. `misses`: the (rows, input signature) pairs known to
    disagree, kept by the caller across calls and added to here."""
    user_batch, total = batches.batch_size, batches.num_samples
    x = batches.x
    run = lambda start, stop: finish(predict_step((tree.map_structure(lambda t: t[start:stop], x), None, None)))
    signature = (user_batch,) + tuple((tuple(t.shape[1:]), t.dtype) for t in tree.flatten(x))
    rows = min(rows, total - total % user_batch)
    first_alone, first, tried = None, None, 0
    while first is None:
        if rows < 2 * user_batch or tried == SIZES_TRIED:
            return None
        if (rows, signature) not in misses:
            tried += 1
            out = run(0, rows)
            first_alone = first_alone if first_alone is not None else run(0, user_batch)
            last_alone = run(rows - user_batch, rows)
            if rows_agree(out, first_alone, user_batch) and rows_agree(out, last_alone, user_batch, rows - user_batch):
                first = out
                break
            misses.add((rows, signature))
        rows = rows // 2 // user_batch * user_batch  # half, in whole user batches
    outputs = []
    whole = total - total % rows
    bounds = [(start, start + rows) for start in range(0, whole, rows)]
    bounds += [(start, min(start + user_batch, total)) for start in range(whole, total, user_batch)]
    for start, stop in bounds:
        out = first if start == 0 else run(start, stop)
        outputs.append(out)
        core_sharing.tick()
        callback_list.on_predict_batch_end(math.ceil(stop / user_batch) - 1, {"outputs": out})
    return outputs
