"""The batch iterators behind `ImageDataGenerator.flow*`: `Iterator` (index bookkeeping),
`NumpyArrayIterator` (arrays in memory), `DirectoryIterator` (one folder per class) and
`DataFrameIterator` (file names and labels in a pandas DataFrame).

They are `keras.utils.Sequence`s, so `model.fit(datagen.flow(x, y, batch_size=32), epochs=...)` draws
`len()` batches per epoch and reshuffles between epochs; they are also endless Python iterators
(`next(it)`), as Keras 2's `fit_generator` used them. Shuffling and augmentation draw from NumPy's
global generator, re-seeded with `seed + batches seen` when a seed is given, exactly as tf-keras does,
so a seeded flow gives tf-keras' batches.
"""
import os
import threading
import warnings

import numpy as np

from tkeras.backend import config
from tkeras.preprocessing.image.image_io import array_to_img, img_to_array, load_img
from tkeras.utils.py_dataset import Sequence

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")


class Iterator(Sequence):
    """Index batches over `n` samples; subclasses turn an index array into a batch."""

    white_list_formats = WHITE_LIST_FORMATS

    def __init__(self, n, batch_size, shuffle, seed):
        super().__init__()
        self.n, self.batch_size, self.seed, self.shuffle = n, batch_size, seed, shuffle
        self.batch_index, self.total_batches_seen = 0, 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.random.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError(f"Asked to retrieve element {idx}, but the Sequence has length {len(self)}")
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        return self._get_batches_of_transformed_samples(
            self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)])

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        """Endless index batches: a pass over the data, reshuffled at the start of each pass."""
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            start = (self.batch_index * self.batch_size) % self.n if self.n else 0
            self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
            self.total_batches_seen += 1
            yield self.index_array[start:start + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self, *args, **kwargs):
        return self.next(*args, **kwargs)

    def next(self):
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError(f"{type(self).__name__} must implement _get_batches_of_transformed_samples")


def _save_batch(batch_x, index_array, data_format, save_to_dir, save_prefix, save_format, hash_range):
    for i, j in enumerate(index_array):
        image = array_to_img(batch_x[i], data_format, scale=True)
        name = f"{save_prefix}_{j}_{np.random.randint(hash_range)}.{save_format}"
        image.save(os.path.join(save_to_dir, name))


class NumpyArrayIterator(Iterator):
    """Augmented batches of in-memory images `x` (rank 4) with optional labels and sample weights;
    `x` may be `(images, [other arrays])`, whose other arrays ride along unchanged."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png", subset=None,
                 ignore_class_split=False, dtype=None):
        data_format = data_format or config.image_data_format()
        self.dtype = dtype or config.floatx()
        x_misc = []
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(m) for m in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
            for other in x_misc:
                if len(x) != len(other):
                    raise ValueError(f"All of the arrays in `x` should have the same length; found {len(x)} images "
                                     f"and an array of length {len(other)}")
        if y is not None and len(x) != len(y):
            raise ValueError(f"`x` (images) and `y` (labels) should have the same length; found x.shape = "
                             f"{np.shape(x)}, y.shape = {np.shape(y)}")
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(f"`x` (images) and `sample_weight` should have the same length; found x.shape = "
                             f"{np.shape(x)}, sample_weight.shape = {np.shape(sample_weight)}")
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f"subset must be 'training' or 'validation', received {subset!r}")
            cut = int(len(x) * image_data_generator._validation_split)
            if (y is not None and not ignore_class_split
                    and not np.array_equal(np.unique(y[:cut]), np.unique(y[cut:]))):
                raise ValueError("Training and validation subsets have different classes after the split (the "
                                 "first validation_split fraction is validation). If your arrays are sorted by "
                                 "label, shuffle them first, or pass ignore_class_split=True.")
            part = slice(0, cut) if subset == "validation" else slice(cut, None)
            x, x_misc = x[part], [np.asarray(m[part]) for m in x_misc]
            y = y[part] if y is not None else None
            # tf-keras keeps the whole sample_weight here and so pairs images with other samples' weights
            sample_weight = np.asarray(sample_weight)[part] if sample_weight is not None else None
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError(f"NumpyArrayIterator: the images should be a rank-4 array (samples, height, width, "
                             f"channels); received shape {self.x.shape}")
        channels_axis = 3 if data_format == "channels_last" else 1
        if self.x.shape[channels_axis] not in (1, 3, 4):
            warnings.warn(f"NumpyArrayIterator is set to data format {data_format!r} (channels on axis "
                          f"{channels_axis}), i.e. 1, 3 or 4 channels expected there; received shape {self.x.shape} "
                          f"({self.x.shape[channels_axis]} channels).", stacklevel=2)
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        generator = self.image_data_generator
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            params = generator.get_random_transform(self.x[j].shape)
            sample = generator.apply_transform(self.x[j].astype(self.dtype), params)
            batch_x[i] = generator.standardize(sample)
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir, self.save_prefix, self.save_format,
                        int(1e4))
        misc = [m[index_array] for m in self.x_misc]
        inputs = [batch_x] + misc if misc else batch_x
        if self.y is None:
            return inputs
        output = (inputs, self.y[index_array])
        return output + (self.sample_weight[index_array],) if self.sample_weight is not None else output


class BatchFromFilesMixin:
    """Loading, augmenting and labelling a batch of image files (shared by the folder and DataFrame iterators)."""

    def set_processing_attrs(self, image_data_generator, target_size, color_mode, data_format, save_to_dir,
                             save_prefix, save_format, subset, interpolation, keep_aspect_ratio):
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.keep_aspect_ratio = keep_aspect_ratio
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}.get(color_mode)
        if channels is None:
            raise ValueError(f"color_mode must be 'rgb', 'rgba' or 'grayscale', received {color_mode!r}")
        self.color_mode, self.data_format = color_mode, data_format
        self.image_shape = (self.target_size + (channels,) if data_format == "channels_last"
                            else (channels,) + self.target_size)
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.interpolation = interpolation
        split = None
        if subset is not None:
            fraction = image_data_generator._validation_split
            if subset not in ("training", "validation"):
                raise ValueError(f"subset must be 'training' or 'validation', received {subset!r}")
            split = (0, fraction) if subset == "validation" else (fraction, 1)
        self.split, self.subset = split, subset

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        generator = self.image_data_generator
        for i, j in enumerate(index_array):
            image = load_img(self.filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                             interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio)
            x = img_to_array(image, data_format=self.data_format)
            if hasattr(image, "close"):
                image.close()
            if generator:
                x = generator.standardize(generator.apply_transform(x, generator.get_random_transform(x.shape)))
            batch_x[i] = x
        if self.save_to_dir:
            _save_batch(batch_x, index_array, self.data_format, self.save_to_dir, self.save_prefix, self.save_format,
                        int(1e7))
        mode = self.class_mode
        if mode == "input":
            batch_y = batch_x.copy()
        elif mode in ("binary", "sparse"):
            batch_y = np.asarray([self.classes[j] for j in index_array], dtype=self.dtype)
        elif mode == "categorical":
            batch_y = np.zeros((len(batch_x), len(self.class_indices)), dtype=self.dtype)
            for i, j in enumerate(index_array):
                batch_y[i, self.classes[j]] = 1.0  # a list of classes (multi-label) sets several
        elif mode == "multi_output":
            batch_y = [output[index_array] for output in self.labels]
        elif mode == "raw":
            batch_y = self.labels[index_array]
        else:
            return batch_x
        weights = self.sample_weight
        return (batch_x, batch_y) if weights is None else (batch_x, batch_y, weights[index_array])


def _valid_files(directory, follow_links):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(".tiff"):
                warnings.warn('Using ".tiff" files with multiple bands will cause distortion. Please verify your '
                              'output.', stacklevel=4)
            if name.lower().endswith(WHITE_LIST_FORMATS):
                yield root, name


class DirectoryIterator(BatchFromFilesMixin, Iterator):
    """Images under `directory/<class>/...` (subfolders included), classes in sorted folder order."""

    allowed_class_modes = {"categorical", "binary", "sparse", "input", None}

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb", classes=None,
                 class_mode="categorical", batch_size=32, shuffle=True, seed=None, data_format=None, save_to_dir=None,
                 save_prefix="", save_format="png", follow_links=False, subset=None, interpolation="nearest",
                 keep_aspect_ratio=False, dtype=None):
        data_format = data_format or config.image_data_format()
        self.dtype = dtype or config.floatx()
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                  save_prefix, save_format, subset, interpolation, keep_aspect_ratio)
        if class_mode not in self.allowed_class_modes:
            raise ValueError(f"class_mode must be one of 'categorical', 'binary', 'sparse', 'input' or None, "
                             f"received {class_mode!r}")
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"flow_from_directory: no such folder: {directory}")
        self.directory, self.class_mode = directory, class_mode
        if not classes:
            classes = [d for d in sorted(os.listdir(directory)) if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = {name: i for i, name in enumerate(classes)}
        self.filenames, labels = [], []
        for name in classes:
            found = list(_valid_files(os.path.join(directory, name), follow_links))
            if self.split:
                found = found[int(self.split[0] * len(found)):int(self.split[1] * len(found))]
            class_dir = os.path.join(directory, name)
            self.filenames += [os.path.join(name, os.path.relpath(os.path.join(root, f), class_dir))
                               for root, f in found]
            labels += [self.class_indices[name]] * len(found)
        self.samples = len(self.filenames)
        self.classes = np.asarray(labels, dtype="int32")
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        self._filepaths = [os.path.join(directory, f) for f in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self.classes

    @property
    def sample_weight(self):
        return None
