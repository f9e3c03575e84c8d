"""tf-keras 2's `layers.experimental.preprocessing.PreprocessingLayer`: the base of user layers that
learn state from data with `adapt()`.

A subclass implements `update_state(batch)` (accumulate), `reset_state()` (forget) and optionally
`finalize_state()` (turn the accumulators into the state `call` uses); `adapt` feeds it the data in
batches and tracks `is_adapted`. tf-keras compiled the per-batch step into a tf.function; tkeras runs
it eagerly, so `compile()` only records its arguments.
"""
import numpy as np
import torch

from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._vocabulary import adapt_batches


class PreprocessingLayer(Layer):
    """Base class for preprocessing layers with state learned by `adapt(data, batch_size, steps)`.

    `data` is an array (split into batches of `batch_size`, 32 by default) or an iterable of batches
    (a tf.data Dataset, a generator, a list of arrays; `(x, y)` elements contribute `x`), read for at
    most `steps` batches. Calling `reset_state()` also makes `is_adapted` False again.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._is_adapted = False
        self._is_compiled = False
        self._steps_per_execution = 1
        # As in tf-keras: reset_state() on an instance also clears is_adapted, however a subclass spells it.
        self._reset_state_impl = self.reset_state
        self.reset_state = self._reset_state_wrapper

    @property
    def is_adapted(self):
        """Whether `adapt` has fitted the layer's state to data (since the last `reset_state`)."""
        return self._is_adapted

    def update_state(self, data):
        """Accumulate the statistics of one batch; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__}: a PreprocessingLayer subclass must implement "
                                  f"update_state(data) to be adapted")

    def reset_state(self):
        """Forget the accumulated statistics; subclasses implement it."""
        raise NotImplementedError(f"{type(self).__name__}: a PreprocessingLayer subclass must implement "
                                  f"reset_state() to be adapted")

    def finalize_state(self):
        """Turn the accumulated statistics into the layer's state (after the last batch of `adapt`)."""

    def _reset_state_wrapper(self):
        self._reset_state_impl()
        self._is_adapted = False

    def compile(self, run_eagerly=None, steps_per_execution=None):
        """Kept for tf-keras code: tkeras adapts eagerly, batch by batch."""
        self._steps_per_execution = 1 if steps_per_execution is None else int(steps_per_execution)
        self._run_eagerly = run_eagerly
        self._is_compiled = True

    def make_adapt_function(self):
        """The step `adapt` runs: `adapt_step(iterator)` feeds the iterator's next batch to `update_state`."""
        def adapt_step(iterator):
            self.update_state(next(iterator))
        return adapt_step

    def adapt(self, data, batch_size=None, steps=None):
        """Reset the state (if built), feed every batch of `data` to `update_state`, then finalize it."""
        if not self._is_compiled:
            self.compile()
        if self.built:
            self.reset_state()
        one_array = isinstance(data, (np.ndarray, torch.Tensor)) or (
            isinstance(data, list) and data and not isinstance(data[0], (np.ndarray, torch.Tensor)))
        if one_array:
            data = np.asarray(data.detach().cpu() if isinstance(data, torch.Tensor) else data)
            size = batch_size or 32
            data = [data[start:start + size] for start in range(0, len(data), size)]
        elif batch_size is not None:
            raise ValueError(f"{type(self).__name__}.adapt: `batch_size` applies to array data; a dataset or "
                             f"generator already yields batches, received batch_size={batch_size}")
        step = self.make_adapt_function()
        iterator = iter(adapt_batches(data, steps))
        while True:
            try:
                step(iterator)
            except StopIteration:
                break
        self.finalize_state()
        self._is_adapted = True
