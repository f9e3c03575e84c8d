"""`timeseries_dataset_from_array`: sliding windows over one long series, as a Dataset.

Window `i` starts at step `start_index + p_i` and takes `sequence_length` steps `sampling_rate`
apart; its target (when `targets` is given) is `targets[start_index + p_i]`, the value at the
window's *first* step, so forecasting code passes `targets=data[sequence_length:]` to pair each
window with the step after it. Start offsets `p_i` run `sequence_stride` apart. Windows are gathered
per batch with one fancy index, so the series is never copied `sequence_length` times.
"""
import numpy as np

from tkeras.utils import dataset_utils


def _check(name, value, length):
    if value <= 0:
        raise ValueError(f"`{name}` must be higher than 0, received {name}={value}")
    if value >= length:
        raise ValueError(f"`{name}` must be lower than the length of the data ({length}), received {name}={value}")


def _as_array(value):
    """Python lists take the dtypes TensorFlow gives them (int32, float32: `timeseries_dataset_from_array([0, 1,
    2, ...])` yields int32 windows in Keras); NumPy arrays, pandas objects and tensors keep their own dtype."""
    array = np.asarray(value)
    if isinstance(value, (list, tuple)):
        if array.dtype == np.int64:
            return array.astype(np.int32)
        if array.dtype == np.float64:
            return array.astype(np.float32)
    return array


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """A Dataset of `(windows, targets)` batches (windows alone when `targets` is None).

    Windows are (batch, sequence_length, *data.shape[1:]) in data's dtype. Only steps in
    [start_index, end_index) are used. `shuffle` permutes the windows once with `seed` and then
    through a shuffle buffer, as Keras does.
    """
    data = _as_array(data)
    targets = None if targets is None else _as_array(targets)
    length = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater, received start_index={start_index}")
        if start_index >= length:
            raise ValueError(f"`start_index` must be lower than the length of the data ({length}), "
                             f"received start_index={start_index}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError(f"`end_index` must be higher than `start_index`, received start_index={start_index} "
                             f"and end_index={end_index}")
        if end_index >= length:
            raise ValueError(f"`end_index` must be lower than the length of the data ({length}), "
                             f"received end_index={end_index}")
    if end_index is not None and end_index <= 0:
        raise ValueError(f"`end_index` must be higher than 0, received end_index={end_index}")
    _check("sampling_rate", sampling_rate, length)
    _check("sequence_stride", sequence_stride, length)
    if sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be higher than 0, received sequence_length={sequence_length}")

    start_index = start_index or 0
    end_index = length if end_index is None else end_index
    count = end_index - start_index - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets) - start_index)
    starts = np.arange(0, max(count, 0), sequence_stride, dtype="int64") + start_index
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    steps = np.arange(sequence_length) * sampling_rate

    def load(indices):
        first = starts[indices]
        windows = data[first[:, None] + steps]  # (batch, sequence_length, *features)
        return windows if targets is None else (windows, targets[first])

    buffer = batch_size * 8 if batch_size is not None else 1024
    return dataset_utils.indexed_dataset(len(starts), load, batch_size, shuffle, seed, buffer)
