"""Turns what users pass to fit/evaluate/predict into an iterator of (x, y, sample_weight) batches.

Arrays (NumPy, lists, torch tensors, and nested lists/dicts of them) are converted to torch once per
call, not per batch; each epoch shuffles an index permutation and gathers batches from it. Python
generators, `keras.utils.Sequence`/`PyDataset` objects and other iterables (the `tf.data` stand-in,
torch DataLoaders) are drawn from as they are.
"""
import itertools
import math
import numbers
import operator
import warnings

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.eager_tensor import EagerTensor
from tkeras.data.ragged_rows import is_ragged
from tkeras.data.user_function_call import call_as_user_code
from tkeras.ops.text import as_text_array
from tkeras.training import batch_arguments
from tkeras.training.class_weights import ClassWeights
from tkeras.tree import lists_to_tuples
from tkeras.utils import tree
from tkeras.utils.batch_packing import unpack_x_y_sample_weight
from tkeras.utils.dataset_creator import DatasetCreator, created_dataset
from tkeras.utils.py_dataset import batch_count


def to_tensor(value, name="x"):
    if is_ragged(value):
        return value  # batches are cut from its rows; the model pads each batch (layer_inputs.ragged_as_padded)
    if isinstance(value, torch.Tensor):
        # user code (a PyDataset, a generator) may hand back the tensors it made: the step takes plain ones
        tensor = value.as_subclass(torch.Tensor) if isinstance(value, EagerTensor) else value
        if tensor.requires_grad:
            # an eager model output (`x = pre_model(data)`) carries autograd history; TensorFlow's eager
            # tensors carry none, and each training step would otherwise backpropagate into that old graph
            tensor = tensor.detach()
    else:
        array = value if isinstance(value, np.ndarray) else np.asarray(value)
        if array.dtype == object and name == "x" and _holds_only_text(array):
            return as_text_array(array)  # pandas' string columns, `np.array([...], dtype=object)`
        if array.dtype == object:  # Keras refuses these too (a ValueError from TensorFlow's conversion)
            hint = (f"convert it first, e.g. {name}.astype('float32') (pandas' replace() leaves numbers as objects)"
                    if _holds_only_numbers(array) else "ragged sequences must be padded first, e.g. with pad_sequences")
            raise ValueError(f"Expected numeric data for {name}, received a NumPy array of Python objects "
                             f"(dtype=object, shape {array.shape}); {hint}")
        if array.dtype.kind in "US" and name == "x":
            return array  # raw text stays NumPy, for a model that starts with TextVectorization
        if array.dtype.kind in "USV":
            raise TypeError(
                f"Expected numeric data for {name}, received an array of strings (dtype {array.dtype}); "
                f"turn text into numbers first, e.g. with Tokenizer or TextVectorization")
        if array.dtype.kind == "u" and array.dtype != np.uint8:
            array = array.astype(np.int64)
        array = np.ascontiguousarray(array)
        if not array.flags.writeable:
            # A read-only array (pandas' `.values` under copy-on-write, np.broadcast_to, a memory-mapped
            # file opened "r") is copied: torch cannot share memory it may not write to.
            array = array.copy()
        tensor = torch.from_numpy(array)
    if tensor.is_floating_point() and tensor.dtype != config.standardize_dtype(None):
        tensor = tensor.to(config.standardize_dtype(None))
    return tensor


def _holds_only_text(array):
    return array.size > 0 and all(isinstance(item, (str, bytes)) for item in array.flat)


def _holds_only_numbers(array):
    return array.size > 0 and all(isinstance(item, numbers.Number) for item in array.flat)


def _num_samples(structure):
    sizes = [int(t.nrows()) if is_ragged(t) else int(t.shape[0])
             for t in tree.flatten(structure) if t is not None and (is_ragged(t) or t.ndim > 0)]
    return sizes


def batch_size_of(x):
    """The number of samples in a batch: the first dimension of its first array."""
    return tree.flatten(x)[0].shape[0]


def is_array_like(value):
    """Arrays, tensors and pandas frames (alone or in a structure): what `validation_split` can cut."""
    if value is None:
        return False
    leaves = tree.flatten(value)
    return all(isinstance(v, (np.ndarray, torch.Tensor)) or v is None or _is_pandas(v) or is_ragged(v)
               for v in leaves) or (
        isinstance(value, list) and value and all(isinstance(v, (int, float, list)) for v in value))


def _stored_as_arrays(value):
    """h5py datasets and Keras 2's HDF5Matrix (arrays kept in a file: `shape`, `dtype`, `__array__`) read
    into memory, once per call; Keras 2 trained on them as on arrays. Sequences have no dtype."""
    def read(leaf):
        if (not isinstance(leaf, (np.ndarray, torch.Tensor)) and hasattr(leaf, "__array__")
                and hasattr(leaf, "dtype") and hasattr(leaf, "shape") and hasattr(leaf, "__getitem__")
                and type(leaf).__module__.split(".")[0] in ("h5py", "tkeras") and not is_ragged(leaf)):
            return np.asarray(leaf)
        return leaf
    if isinstance(value, (list, tuple, dict)):
        return tree.map_structure(read, value)
    return read(value)


def _is_sequence_object(value):
    return hasattr(value, "__getitem__") and hasattr(value, "__len__") and not isinstance(
        value, (np.ndarray, torch.Tensor, list, tuple, dict))


# A batch as (x, y, sample_weight). The fit loop reads batches with the public keras.utils function, so
# a custom train_step that calls it sees each batch exactly as the built-in one does.
unpack = unpack_x_y_sample_weight


class ArrayBatches:
    """Batches of in-memory arrays; the last batch may be smaller, as in Keras."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, steps=None,
                 resume_across_epochs=False):
        # Lists in the data come out as tuples, as from Keras' array adapter (its batches pass through
        # tf.data, which has no lists) and tf-keras 2's: a custom train_step sees `fit([a, b])`'s x as the
        # tuple (a, b) (keras-io's graph WGAN tests `isinstance(data[0], tuple)`).
        self.x = lists_to_tuples(tree.map_structure(lambda v: to_tensor(v, "x"), x))
        self.y = lists_to_tuples(tree.map_structure(lambda v: to_tensor(v, "y"), y)) if y is not None else None
        self.sample_weight = (lists_to_tuples(tree.map_structure(lambda v: to_tensor(v, "sample_weight"),
                                                                 sample_weight))
                              if sample_weight is not None else None)
        x_sizes = _num_samples(self.x)
        y_sizes = _num_samples(self.y) if self.y is not None else []
        w_sizes = _num_samples(self.sample_weight) if self.sample_weight is not None else []
        if len(set(x_sizes + y_sizes + w_sizes)) > 1:
            message = "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples."
            message += f"\n  x sizes: {', '.join(map(str, x_sizes))}"
            if y_sizes:
                message += f"\n  y sizes: {', '.join(map(str, y_sizes))}"
            if w_sizes:
                message += f"\n  sample_weight sizes: {', '.join(map(str, w_sizes))}"
            raise ValueError(message)
        self.num_samples = x_sizes[0] if x_sizes else 0
        if self.num_samples == 0:
            raise ValueError("fit/evaluate/predict received empty data (0 samples)")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.num_batches = math.ceil(self.num_samples / self.batch_size)
        self.steps = steps if steps is not None else self.num_batches
        self._device = config.device()
        if resume_across_epochs and steps is not None:
            self._resumed = ResumedPasses(self._one_pass, steps, self.num_batches)
            self.epoch = self._resumed.epoch
        # On an accelerator, data that fits comfortably is copied there once: batches are then gathered
        # on the device and no host-to-device copy happens per step. Otherwise each batch is gathered on
        # the host into pinned memory and copied with non_blocking=True (overlaps with compute).
        self._resident = self._device.type == "cuda" and _fits_on_device(
            [self.x, self.y, self.sample_weight], self._device)
        if self._resident:
            self.x, self.y, self.sample_weight = tree.map_structure(
                lambda t: t.to(self._device) if isinstance(t, torch.Tensor) else t,
                [self.x, self.y, self.sample_weight])

    def _take(self, structure, index):
        if structure is None:
            return None
        if type(structure) is torch.Tensor and self._device.type == "cpu" and type(index) is torch.Tensor:
            return structure.index_select(0, index)  # the common case, without the structure walk
        if isinstance(index, slice):
            out = tree.map_structure(lambda t: t[index], structure)
        else:
            tensor_index = index.to(self._device) if self._resident else index  # no-op: already there
            out = tree.map_structure(
                lambda t: t.index_select(0, tensor_index) if isinstance(t, torch.Tensor) else (
                    t.gather_rows(index.cpu()) if is_ragged(t) else t[index.cpu().numpy()]),
                structure)
        if self._device.type != "cpu" and not self._resident:
            out = tree.map_structure(lambda t: _to_device(t, self._device), out)
        return out

    def epoch(self):
        """One epoch's batches. With `steps` set, an epoch may stop early or run over the data again."""
        produced = 0
        while produced < self.steps:
            # islice stops before gathering a batch the epoch will not use
            for batch in itertools.islice(self._one_pass(), self.steps - produced):
                yield batch
                del batch  # one batch alive at a time: the next one is gathered after this is dropped
                produced += 1

    def _one_pass(self):
        """Every batch once (reshuffled when shuffling): an epoch's passes, and `ResumedPasses`'."""
        order = torch.randperm(self.num_samples, device=self._device if self._resident else None) \
            if self.shuffle else None
        for b in range(self.num_batches):
            start, stop = b * self.batch_size, min((b + 1) * self.batch_size, self.num_samples)
            index = order[start:stop] if order is not None else slice(start, stop)
            yield self._take(self.x, index), self._take(self.y, index), self._take(self.sample_weight, index)


class ResumedPasses:
    """`fit(..., steps_per_epoch=k)`'s epochs, as Keras 3 draws them: every epoch takes the next k batches of
    one pass over the data, so a dataset of 6 batches with k=3 gives batches 0-2, then 3-5, then 0-2 again.
    A pass that ends inside an epoch ends that epoch early (with Keras' "ran out of data" warning); the
    next epoch starts a new pass. A pass of unknown length learns its length when it runs out.

    `new_pass()` returns an iterator over one pass of converted batches; `num_batches` is None when the
    length is unknown (a filtered dataset, an iterable without len()).
    """

    def __init__(self, new_pass, steps, num_batches):
        self._new_pass = new_pass
        self._steps = steps
        self._num_batches = num_batches
        self._current = None
        self._taken = 0

    def epoch(self):
        if self._current is None:
            self._current, self._taken = self._new_pass(), 0
        for _ in range(self._steps):
            if self._num_batches is not None and self._taken >= self._num_batches:
                _warn_ran_out()
                break
            try:
                batch = next(self._current)
            except StopIteration:
                if self._taken == 0:  # nothing left at all: the fit loop reports it and stops
                    self._current = None
                    return
                self._num_batches = self._taken
                _warn_ran_out()
                break
            self._taken += 1
            yield batch
        if self._num_batches is not None and self._taken >= self._num_batches:
            self._current = None


def _warn_ran_out():
    warnings.warn("Your input ran out of data; the epoch ends early and the next one starts a new pass over the "
                  "data. Make sure that your dataset or generator can generate `steps_per_epoch` batches per "
                  "epoch (e.g. with `.repeat()`).", stacklevel=3)


class StreamBatches:
    """Batches drawn from a generator, a Sequence/PyDataset or another iterable of batches."""

    def __init__(self, data, steps=None, shuffle=False, class_weight=None, resume_across_epochs=False):
        self.data = data
        if class_weight is not None:  # decided once: batches without class weights take the plain path
            self._class_weights = ClassWeights(class_weight)
            self._convert = self._convert_class_weighted
        self.shuffle = shuffle
        self._is_sequence = _is_sequence_object(data)
        self._endless_position = 0
        given_steps = steps
        if steps is None and self._is_sequence:
            steps = batch_count(data)
        if steps is None and hasattr(data, "__len__") and not hasattr(data, "__next__"):
            try:
                steps = len(data)
            except TypeError:
                steps = None
        self.steps = steps
        self.num_batches = steps
        self._device = config.device()
        # Decided once: generators run on by themselves and an endless PyDataset keeps its own position.
        if resume_across_epochs and given_steps is not None and not hasattr(data, "__next__"):
            if not self._is_sequence:
                self._resumed = ResumedPasses(self._one_pass, given_steps, _length_or_none(data))
                self.epoch = self._resumed.epoch
            elif batch_count(data) is not None:
                self._resumed = ResumedPasses(self._one_sequence_pass, given_steps, batch_count(data))
                self.epoch = self._sequence_epoch_resumed

    def _one_pass(self):
        return map(self._convert, _drawn_as_user_code(self.data))

    def _one_sequence_pass(self):
        order = np.random.permutation(batch_count(self.data)) if self.shuffle else range(batch_count(self.data))
        return (self._convert(call_as_user_code(operator.getitem, self.data, int(index))) for index in order)

    def _sequence_epoch_resumed(self):
        self._epoch_hook("on_epoch_begin")
        yield from self._resumed.epoch()
        self._epoch_hook("on_epoch_end")

    def _epoch_hook(self, name):
        hook = getattr(self.data, name, None)
        if hook is not None:
            call_as_user_code(hook)

    def _convert(self, batch):
        x, y, w = unpack(batch)
        convert = lambda v: _to_device(to_tensor(v), self._device)
        return (tree.map_structure(convert, x), tree.map_structure(convert, y) if y is not None else None,
                tree.map_structure(convert, w) if w is not None else None)

    def _convert_class_weighted(self, batch):
        x, y, w = StreamBatches._convert(self, batch)
        if y is None:
            raise ValueError("fit(class_weight=...) needs targets: the data must yield (x, y) or (x, y, "
                             "sample_weight) batches")
        return x, y, self._class_weights.combined(y, w)

    def epoch(self):
        if self._is_sequence:
            self._epoch_hook("on_epoch_begin")  # Keras 3's PyDataset hook, before the first batch
            count = batch_count(self.data)
            if count is None:
                # An endless PyDataset: steps_per_epoch ends each epoch, and the next one goes on
                # from the following index, as Keras keeps drawing from the same iterator.
                order = itertools.count(self._endless_position)
            else:
                order = np.random.permutation(count) if self.shuffle else range(count)
            for i, index in enumerate(order):
                if self.steps is not None and i >= self.steps:
                    break
                if count is None:
                    self._endless_position = index + 1
                yield self._convert(call_as_user_code(operator.getitem, self.data, int(index)))
            self._epoch_hook("on_epoch_end")
            return
        if hasattr(self.data, "__next__"):
            # A Python generator runs on across epochs (Keras' fit_generator semantics).
            # Without steps (Keras 3) an epoch runs until the generator is exhausted.
            for _ in (range(self.steps) if self.steps is not None else iter(int, 1)):
                try:
                    batch = call_as_user_code(next, self.data)
                except StopIteration:
                    return
                yield self._convert(batch)
            return
        for i, batch in enumerate(_drawn_as_user_code(self.data)):
            if self.steps is not None and i >= self.steps:
                break
            yield self._convert(batch)


def _drawn_as_user_code(iterable):
    """The batches of `iterable`, each drawn as user code: a generator or a PyDataset's `__getitem__` is
    code written for Keras' tensors (`np.array(tf.constant(...))`, ops on `tf.shape`), which fit's plain
    tensors would not be (see tkeras/data/user_function_call.py). Costs a context switch per batch."""
    iterator = call_as_user_code(iter, iterable)
    end = object()
    while (batch := call_as_user_code(next, iterator, end)) is not end:
        yield batch


def _length_or_none(data):
    try:
        return len(data)
    except TypeError:  # an infinite or filtered dataset, an iterable without len()
        return None


def _to_device(tensor, device):
    """Host → accelerator without stalling the host: pinned source, non_blocking copy."""
    if not isinstance(tensor, torch.Tensor) or tensor.device == device or device.type == "cpu":
        return tensor
    if device.type == "cuda" and tensor.device.type == "cpu" and not tensor.is_pinned():
        tensor = tensor.pin_memory()
    return tensor.to(device, non_blocking=True)


def _fits_on_device(structures, device, fraction=0.25):
    """Whether the arrays take less than `fraction` of the device's free memory (TKERAS_DATA_ON_DEVICE=0/1 overrides)."""
    import os
    forced = os.environ.get("TKERAS_DATA_ON_DEVICE")
    if forced is not None:
        return forced == "1"
    size = sum(t.numel() * t.element_size() for t in tree.flatten(structures) if isinstance(t, torch.Tensor))
    try:
        free, _ = torch.cuda.mem_get_info(device)
    except Exception:
        return False
    return size < fraction * free


def _frames_as_arrays(value):
    """pandas DataFrames and Series, alone or as the values of a dict or list of model inputs
    (`model.fit(dict(dataframe), labels)`), as NumPy arrays, as Keras takes them; a text column comes as
    an object array of str, which `to_tensor` keeps as text. A Series is one column, (samples, 1), as both
    tf-keras 2 and Keras 3 shape it."""
    if _is_pandas(value):
        array = value.to_numpy()
        return array[:, None] if array.ndim == 1 else array
    if isinstance(value, dict) and any(_is_pandas(v) for v in value.values()):
        return {k: _frames_as_arrays(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and any(_is_pandas(v) for v in value):
        return type(value)(_frames_as_arrays(v) for v in value)
    return value


def _is_pandas(value):
    return type(value).__module__.partition(".")[0] == "pandas" and hasattr(value, "to_numpy")


def _numbers_as_array(value, name):
    """A Python list (or tuple) of numbers or texts, or of equally long lists of numbers, is one array, as Keras 2
    took it; ragged rows are refused with Keras 3's 'Unrecognized data type' and what to do instead. A
    list holding arrays or tensors is left alone: it is a structure (one array per model input)."""
    if not isinstance(value, (list, tuple)) or not value:
        return value
    leaves = tree.flatten(value)
    if all(isinstance(v, (str, bytes)) for v in leaves) and not any(isinstance(v, (list, tuple)) for v in value):
        return np.asarray(value)  # `model.predict(["How do you sort a list?"])`: a batch of one text, as tf-keras 2
    if not all(isinstance(v, (int, float, bool, np.number)) for v in leaves):
        return value
    if not all(isinstance(row, (list, tuple)) == isinstance(value[0], (list, tuple)) for row in value):
        lengths = None
    else:
        lengths = {len(row) for row in value} if isinstance(value[0], (list, tuple)) else {0}
    try:
        array = np.asarray(value) if lengths is not None and len(lengths) == 1 else None
    except ValueError:
        array = None
    if array is None or array.dtype == object:
        shown = repr(value)[:120]
        rows = sorted({len(r) if isinstance(r, (list, tuple)) else 0 for r in value})[:6]
        raise ValueError(f"Unrecognized data type: {name}={shown} (of type {type(value).__name__}): a ragged "
                         f"list (row lengths {rows}) is not an array. Pad the rows to one length first "
                         f"(keras.utils.pad_sequences) or pass a NumPy array")
    return array


def make_batches(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None, class_weight=None,
                 resume_across_epochs=False):
    """The batches of what fit/evaluate/predict received. `class_weight` (fit only) becomes sample weights:
    once for arrays, per batch for generators, datasets and PyDatasets. `resume_across_epochs` (fit's
    training data): with `steps`, each epoch goes on where the last one stopped (`ResumedPasses`)."""
    if x is None:
        raise ValueError("No data: x is None")
    if isinstance(x, DatasetCreator):
        x = created_dataset(x, steps)
    batch_size, steps = batch_arguments.checked_batch_size(batch_size), batch_arguments.checked_steps(steps)
    x, y, sample_weight = (_numbers_as_array(_frames_as_arrays(_stored_as_arrays(v)), n)
                           for v, n in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")))
    from tkeras import config as keras_config
    cap = keras_config.max_steps_per_epoch()  # keras.config.set_max_steps_per_epoch, a debugging aid
    if cap and (not steps or cap < steps):
        warnings.warn(f"Limiting steps_per_epoch to {cap}", stacklevel=3)
        steps = cap
    if is_array_like(x) or isinstance(x, (list, tuple, dict)) and all(
            isinstance(v, (np.ndarray, torch.Tensor)) or is_ragged(v) for v in tree.flatten(x)):
        if class_weight is not None:
            if y is None:
                raise ValueError("fit(class_weight=...) needs targets y")
            y_tensor = tree.map_structure(lambda v: to_tensor(v, "y"), y)
            sample_weight = ClassWeights(class_weight).combined(
                y_tensor, None if sample_weight is None else to_tensor(sample_weight, "sample_weight"))
            y = y_tensor
        return ArrayBatches(x, y, sample_weight, batch_size or 32, shuffle, steps, resume_across_epochs)
    if y is not None:
        raise ValueError("y must not be given when x is a generator, a Sequence or a dataset: it yields (x, y) pairs")
    return StreamBatches(x, steps, shuffle, class_weight, resume_across_epochs)


def train_validation_split(x, y, sample_weight, validation_split):
    """Keras takes the validation set from the end of the arrays, before any shuffling."""
    if not 0 < validation_split < 1:
        raise ValueError(f"validation_split must be in (0, 1), received {validation_split}")
    x, y, sample_weight = (_frames_as_arrays(v) for v in (x, y, sample_weight))
    x_t = tree.map_structure(lambda v: to_tensor(v, "x"), x)
    n = _num_samples(x_t)[0]
    split = int(math.floor(n * (1.0 - validation_split)))
    if split == 0 or split == n:
        raise ValueError(f"validation_split={validation_split} leaves no training or no validation samples "
                         f"from {n} samples")
    named = (x, "x"), (y, "y"), (sample_weight, "sample_weight")
    cut = [tree.map_structure(lambda v: to_tensor(v, name), s) if s is not None else None for s, name in named]

    def part(rows):
        return tuple(tree.map_structure(lambda t: t[rows], s) if s is not None else None for s in cut)
    # Both halves end at the first input's length, as in Keras: longer targets (a book's `bert_encoder`
    # iterating a DataFrame's 5 column names while y has 71 rows) are cut to it, not left ragged.
    return part(slice(None, split)), part(slice(split, n))
