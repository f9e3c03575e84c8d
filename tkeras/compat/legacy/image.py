"""Keras 1/2's `keras.preprocessing.image`: ImageDataGenerator, its iterators, and the PIL helpers.

The cats-vs-dogs era of tutorials feeds `fit_generator` from `ImageDataGenerator(...).flow(x, y)` or
`.flow_from_directory(folder)`. This module keeps that API: random affine augmentation (rotation,
shifts, shear, zoom, flips), brightness and channel shifts, rescaling and per-sample/per-feature
standardization, all in NumPy on the host (the model runs on torch). The iterators are
`keras.utils.Sequence`s, so fit draws them batch by batch and reshuffles between epochs; they also
answer `next()` like Keras' iterators. Images are read with Pillow.
"""
import math
import os

import numpy as np

from tkeras.backend import config
from tkeras.utils import image_utils
from tkeras.utils.image_utils import array_to_img, img_to_array, save_img  # noqa: F401 - Keras 1/2 names
from tkeras.utils.py_dataset import Sequence

_IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".tif", ".tiff", ".gif", ".webp")
_FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def load_img(path, grayscale=False, color_mode="rgb", target_size=None, interpolation="nearest",
             keep_aspect_ratio=False):
    """`keras.utils.load_img`, also taking Keras 1/2's `grayscale=True`."""
    return image_utils.load_img(path, color_mode="grayscale" if grayscale else color_mode,
                                target_size=target_size, interpolation=interpolation,
                                keep_aspect_ratio=keep_aspect_ratio)


def _reflect(index, size):
    folded = np.mod(index, 2 * size)
    return np.where(folded >= size, 2 * size - 1 - folded, folded)


def _resample(x, matrix, fill_mode, cval):
    """Bilinear sampling of x (h, w, c) at `matrix @ (row, col, 1)` for every output pixel."""
    h, w = x.shape[:2]
    rows, cols = np.meshgrid(np.arange(h, dtype="float64"), np.arange(w, dtype="float64"), indexing="ij")
    src_r = matrix[0, 0] * rows + matrix[0, 1] * cols + matrix[0, 2]
    src_c = matrix[1, 0] * rows + matrix[1, 1] * cols + matrix[1, 2]
    r0, c0 = np.floor(src_r), np.floor(src_c)
    fr, fc = (src_r - r0)[..., None], (src_c - c0)[..., None]
    out = 0.0
    for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
        r, c = (r0 + dr).astype(int), (c0 + dc).astype(int)
        inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
        if fill_mode == "nearest" or fill_mode == "constant":
            r, c = np.clip(r, 0, h - 1), np.clip(c, 0, w - 1)
        elif fill_mode == "reflect":  # scipy's 'reflect': the edge pixel is repeated (d c b a | a b c d)
            r, c = _reflect(r, h), _reflect(c, w)
        else:  # wrap
            r, c = np.mod(r, h), np.mod(c, w)
        values = x[r, c]
        if fill_mode == "constant":
            values = np.where(inside[..., None], values, cval)
        out = out + weight * values
    return out.astype(x.dtype)


class ImageDataGenerator:
    """Batches of augmented, standardized images from arrays (`flow`) or class folders (`flow_from_directory`).

    Example:
        datagen = ImageDataGenerator(rescale=1. / 255, rotation_range=20, horizontal_flip=True)
        model.fit_generator(datagen.flow(x_train, y_train, batch_size=32), steps_per_epoch=len(x_train) / 32)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False, featurewise_std_normalization=False,
                 samplewise_std_normalization=False, zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None, shear_range=0.0,
                 zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, interpolation_order=1, dtype=None):
        if zca_whitening:
            raise NotImplementedError("ImageDataGenerator(zca_whitening=True) is not supported in tkeras")
        if fill_mode not in _FILL_MODES:
            raise ValueError(f"fill_mode must be one of {_FILL_MODES}, received {fill_mode!r}")
        if not 0 <= validation_split < 1:
            raise ValueError(f"validation_split must be in [0, 1), received {validation_split}")
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.rotation_range, self.shear_range = rotation_range, shear_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.brightness_range, self.channel_shift_range = brightness_range, channel_shift_range
        if np.isscalar(zoom_range):
            zoom_range = (1 - zoom_range, 1 + zoom_range)
        self.zoom_range = tuple(zoom_range)
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.data_format = data_format or config.image_data_format()
        self.validation_split = validation_split
        self.dtype = dtype or config.floatx()
        self.mean = self.std = None

    # -- per-image steps --------------------------------------------------------------------------
    def _channels_last(self, x):
        return np.moveaxis(x, 0, -1) if self.data_format == "channels_first" else x

    def _from_channels_last(self, x):
        return np.moveaxis(x, -1, 0) if self.data_format == "channels_first" else x

    @staticmethod
    def _shift(value, size, rng):
        if isinstance(value, (list, tuple, np.ndarray)):
            return float(rng.choice(value))
        shift = rng.uniform(-value, value) if value else 0.0
        return shift * size if 0 < abs(value) < 1 else shift

    def get_random_transform(self, img_shape, seed=None):
        rng = np.random.default_rng(seed) if seed is not None else np.random
        h, w = (img_shape[1], img_shape[2]) if self.data_format == "channels_first" else img_shape[:2]
        zx, zy = (1.0, 1.0) if self.zoom_range == (1, 1) else rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        return {
            "theta": rng.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0.0,
            "tx": self._shift(self.height_shift_range, h, rng), "ty": self._shift(self.width_shift_range, w, rng),
            "shear": rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0.0,
            "zx": zx, "zy": zy,
            "flip_horizontal": bool(self.horizontal_flip and rng.random() < 0.5),
            "flip_vertical": bool(self.vertical_flip and rng.random() < 0.5),
            "channel_shift_intensity": (rng.uniform(-self.channel_shift_range, self.channel_shift_range)
                                        if self.channel_shift_range else None),
            "brightness": rng.uniform(*self.brightness_range) if self.brightness_range else None,
        }

    def apply_transform(self, x, params):
        """One image (h, w, c) moved by the affine transform and colour changes in `params`."""
        x = self._channels_last(np.asarray(x, dtype=self.dtype))
        theta, shear = np.deg2rad(params.get("theta", 0.0)), np.deg2rad(params.get("shear", 0.0))
        matrix = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
        matrix = matrix @ np.array([[1, 0, params.get("tx", 0.0)], [0, 1, params.get("ty", 0.0)], [0, 0, 1]])
        matrix = matrix @ np.array([[1, -np.sin(shear), 0], [0, np.cos(shear), 0], [0, 0, 1]])
        matrix = matrix @ np.array([[params.get("zx", 1.0), 0, 0], [0, params.get("zy", 1.0), 0], [0, 0, 1]])
        if not np.allclose(matrix, np.eye(3)):
            h, w = x.shape[:2]
            center = np.array([[1, 0, (h - 1) / 2], [0, 1, (w - 1) / 2], [0, 0, 1]])  # about the image centre
            uncenter = np.array([[1, 0, -(h - 1) / 2], [0, 1, -(w - 1) / 2], [0, 0, 1]])
            x = _resample(x, center @ matrix @ uncenter, self.fill_mode, self.cval)
        if params.get("channel_shift_intensity") is not None:
            low, high = x.min(), x.max()
            x = np.clip(x + params["channel_shift_intensity"], low, high)
        if params.get("flip_horizontal"):
            x = x[:, ::-1]
        if params.get("flip_vertical"):
            x = x[::-1]
        if params.get("brightness") is not None:
            x = x * params["brightness"]
        return self._from_channels_last(np.ascontiguousarray(x, dtype=self.dtype))

    def random_transform(self, x, seed=None):
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    def standardize(self, x):
        """preprocessing_function, rescale, then sample- and feature-wise centring/scaling (Keras' order)."""
        if self.preprocessing_function is not None:
            x = self.preprocessing_function(x)
        x = np.asarray(x, dtype=self.dtype)
        if self.rescale:
            x = x * self.rescale
        if self.samplewise_center:  # over the whole image, channels included (as Keras)
            x = x - np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x = x / (np.std(x, keepdims=True) + 1e-6)
        if self.featurewise_center or self.featurewise_std_normalization:
            if self.mean is None:
                raise ValueError("This ImageDataGenerator specifies featurewise_center/std_normalization but "
                                 "was not fit on any data: call datagen.fit(x_train) first")
            if self.featurewise_center:
                x = x - self.mean
            if self.featurewise_std_normalization:
                x = x / (self.std + 1e-6)
        return x

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Per-channel mean and std of `x` (N, h, w, c), for the featurewise options."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"ImageDataGenerator.fit expects 4-D image data, received shape {x.shape}")
        if augment:
            x = np.concatenate([np.stack([self.random_transform(img) for img in x]) for _ in range(rounds)])
        if self.rescale:
            x = x * self.rescale
        axes = (0, 1, 2) if self.data_format == "channels_last" else (0, 2, 3)
        shape = (1, 1, -1) if self.data_format == "channels_last" else (-1, 1, 1)
        self.mean = np.mean(x, axis=axes).reshape(shape)
        self.std = np.std(x, axis=axes).reshape(shape)

    # -- iterators --------------------------------------------------------------------------------
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, save_to_dir=None,
             save_prefix="", save_format="png", ignore_class_split=False, subset=None):
        return NumpyArrayIterator(x, y, self, batch_size, shuffle, seed, sample_weight, subset)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True, seed=None, save_to_dir=None,
                            save_prefix="", save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False):
        return DirectoryIterator(directory, self, target_size, color_mode, classes, class_mode, batch_size,
                                 shuffle, seed, subset, interpolation, follow_links)

    def flow_from_dataframe(self, *args, **kwargs):
        raise NotImplementedError("ImageDataGenerator.flow_from_dataframe is not supported in tkeras; "
                                  "use flow_from_directory or flow(x, y) on arrays")


class Iterator(Sequence):
    """Batches by index (a Sequence: fit reshuffles between epochs) and by `next()` (Keras 1/2 iterators)."""

    def __init__(self, n, batch_size, shuffle, seed):
        super().__init__()
        self.n, self.batch_size, self.shuffle, self.seed = n, int(batch_size), shuffle, seed
        self.batch_index, self.total_batches_seen = 0, 0
        self._rng = np.random.default_rng(seed)
        self.index_array = None
        self.on_epoch_end()

    def on_epoch_end(self):
        self.index_array = self._rng.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self):
        return math.ceil(self.n / self.batch_size)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise IndexError(f"Asked for batch {idx}, but the Sequence has only {len(self)} batches")
        self.total_batches_seen += 1
        return self._batch(self.index_array[idx * self.batch_size:(idx + 1) * self.batch_size])

    def __iter__(self):
        return self

    def __next__(self):
        if self.batch_index >= len(self):
            self.batch_index = 0
            self.on_epoch_end()
        batch = self[self.batch_index]
        self.batch_index += 1
        return batch

    next = __next__

    def reset(self):
        self.batch_index = 0

    def _batch(self, index_array):
        raise NotImplementedError


def _split(n, split, subset):
    """Keras' validation_split: the first `split` fraction is 'validation', the rest 'training'."""
    if subset is None or not split:
        return slice(0, n)
    if subset not in ("training", "validation"):
        raise ValueError(f"subset must be 'training' or 'validation', received {subset!r}")
    cut = int(split * n)
    return slice(0, cut) if subset == "validation" else slice(cut, n)


class NumpyArrayIterator(Iterator):
    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, seed=None, sample_weight=None,
                 subset=None):
        x = np.asarray(x, dtype=image_data_generator.dtype)
        if x.ndim != 4:
            raise ValueError(f"flow expects 4-D image data (samples, height, width, channels), received {x.shape}")
        if y is not None and len(x) != len(y):
            raise ValueError(f"x (images) and y (labels) should have the same length; received {len(x)} and {len(y)}")
        part = _split(len(x), image_data_generator.validation_split, subset)
        self.x = x[part]
        self.y = np.asarray(y)[part] if y is not None else None
        self.sample_weight = np.asarray(sample_weight)[part] if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        super().__init__(len(self.x), batch_size, shuffle, seed)

    def _batch(self, index_array):
        gen = self.image_data_generator
        batch_x = np.stack([gen.standardize(gen.random_transform(self.x[i])) for i in index_array])
        out = (batch_x,)
        if self.y is not None:
            out += (self.y[index_array],)
            if self.sample_weight is not None:
                out += (self.sample_weight[index_array],)
        return out if len(out) > 1 else out[0]


class DirectoryIterator(Iterator):
    """Images from `directory/<class name>/*.png|jpg...`, classes in sorted folder order."""

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb", classes=None,
                 class_mode="categorical", batch_size=32, shuffle=True, seed=None, subset=None,
                 interpolation="nearest", follow_links=False):
        if class_mode not in ("categorical", "binary", "sparse", "input", None):
            raise ValueError(f"class_mode must be 'categorical', 'binary', 'sparse', 'input' or None, "
                             f"received {class_mode!r}")
        if not os.path.isdir(directory):
            raise FileNotFoundError(f"flow_from_directory: no such folder: {directory}")
        self.directory, self.image_data_generator = directory, image_data_generator
        self.target_size, self.color_mode = tuple(target_size), color_mode
        self.class_mode, self.interpolation = class_mode, interpolation
        channels = {"rgb": 3, "rgba": 4, "grayscale": 1}[color_mode]
        self.image_shape = (self.target_size + (channels,) if image_data_generator.data_format == "channels_last"
                            else (channels,) + self.target_size)
        if not classes:
            classes = sorted(entry for entry in os.listdir(directory) if os.path.isdir(os.path.join(directory, entry)))
        self.class_indices = {name: i for i, name in enumerate(classes)}
        self.num_classes = len(classes)
        filenames, labels = [], []
        for name in classes:
            found = []
            for root, _, files in os.walk(os.path.join(directory, name), followlinks=follow_links):
                found += [os.path.relpath(os.path.join(root, f), directory) for f in files
                          if f.lower().endswith(_IMAGE_EXTENSIONS)]
            found = sorted(found)[_split(len(found), image_data_generator.validation_split, subset)]
            filenames += found
            labels += [self.class_indices[name]] * len(found)
        self.filenames, self.classes = filenames, np.array(labels, dtype="int32")
        self.filepaths = [os.path.join(directory, f) for f in filenames]
        self.samples = len(filenames)
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _batch(self, index_array):
        gen = self.image_data_generator
        images = []
        for i in index_array:
            image = load_img(self.filepaths[i], color_mode=self.color_mode, target_size=self.target_size,
                             interpolation=self.interpolation)
            x = img_to_array(image, data_format=gen.data_format, dtype=gen.dtype)
            images.append(gen.standardize(gen.random_transform(x)))
        batch_x = np.stack(images)
        if self.class_mode is None:
            return batch_x
        if self.class_mode == "input":
            return batch_x, batch_x.copy()
        labels = self.classes[index_array]
        if self.class_mode == "categorical":
            return batch_x, np.eye(self.num_classes, dtype=gen.dtype)[labels]
        return batch_x, labels.astype(gen.dtype)
