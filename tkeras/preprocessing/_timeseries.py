"""Keras 2's `TimeseriesGenerator`: sliding windows over one long series, served as batches.

Windows are cut lazily per batch, so a long series is never copied `length` times in memory.
"""
import json

import numpy as np


class TimeseriesGenerator:
    """Batch `i` holds windows `data[row - length : row : sampling_rate]` with target
    `targets[row]`, for rows from `start_index + length` to `end_index`, `stride` apart.

    Indexable and sized (`len`, `gen[i]`), so it can be passed to `fit` like a Keras Sequence.
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        if len(data) != len(targets):
            raise ValueError(
                f"TimeseriesGenerator: data and targets must have the same length; data has "
                f"{len(data)} steps while targets has {len(targets)}")
        for name, number in (("length", length), ("sampling_rate", sampling_rate),
                             ("stride", stride), ("batch_size", batch_size)):
            if isinstance(number, bool) or not isinstance(number, (int, np.integer)) or number < 1:
                raise ValueError(f"TimeseriesGenerator: `{name}` must be an integer >= 1, received {number!r}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError(
                f"`start_index+length={self.start_index} > end_index={self.end_index}` is disallowed, "
                f"as no part of the sequence would be left to be used as current step.")

    def __len__(self):
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"TimeseriesGenerator has {len(self)} batches; index {index} is out of range")
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(first, min(first + self.batch_size * self.stride, self.end_index + 1), self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def on_epoch_end(self):
        """Nothing to reshuffle: shuffled batches draw fresh rows every time."""

    def get_config(self):
        def as_json_value(value):
            return value.tolist() if isinstance(value, np.ndarray) else value
        return {
            "data": json.dumps(as_json_value(self.data)),
            "targets": json.dumps(as_json_value(self.targets)),
            "length": self.length,
            "sampling_rate": self.sampling_rate,
            "stride": self.stride,
            "start_index": self.start_index - self.length,
            "end_index": self.end_index,
            "shuffle": self.shuffle,
            "reverse": self.reverse,
            "batch_size": self.batch_size,
        }

    def to_json(self, **kwargs):
        return json.dumps({"class_name": self.__class__.__name__, "config": self.get_config()}, **kwargs)
