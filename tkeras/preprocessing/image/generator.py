"""`ImageDataGenerator`: tf-keras 2's real-time image augmentation and standardization, the input
pipeline of the cats-vs-dogs generation of tutorials (`datagen.flow(x, y)`, `flow_from_directory`,
`flow_from_dataframe`), in NumPy on the host; the model then trains on torch.

The random parameters of each image are drawn from NumPy's global generator in tf-keras' order, and
the transforms are tf-keras' (`affine.py`), so a seeded generator reproduces tf-keras' images.
"""
import warnings

import numpy as np

from tkeras.backend import config
from tkeras.preprocessing.image import affine
from tkeras.preprocessing.image.iterators import DirectoryIterator, NumpyArrayIterator


def _choice_shift(value, size):
    """A shift in pixels: a list/int range picks one of its values with a random sign, a float range
    draws uniformly; a range below 1 is a fraction of `size`."""
    try:
        shift = np.random.choice(value)
        shift *= np.random.choice([-1, 1])
    except ValueError:  # a float: np.random.choice needs a 1-D array or an int
        shift = np.random.uniform(-value, value)
    if np.max(value) < 1:
        shift *= size
    return shift


class ImageDataGenerator:
    """Batches of augmented, standardized images.

    Example:
        datagen = ImageDataGenerator(rescale=1. / 255, rotation_range=20, horizontal_flip=True)
        model.fit(datagen.flow(x_train, y_train, batch_size=32), epochs=10)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False, featurewise_std_normalization=False,
                 samplewise_std_normalization=False, zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None, shear_range=0.0,
                 zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, interpolation_order=1, dtype=None):
        data_format = config.standardize_data_format(data_format, "ImageDataGenerator")
        if fill_mode not in affine._FILL_MODES:
            raise ValueError(f"ImageDataGenerator: fill_mode must be one of {affine._FILL_MODES}, received "
                             f"{fill_mode!r}")
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"ImageDataGenerator: validation_split must be strictly between 0 and 1, received "
                             f"{validation_split}")
        if isinstance(zoom_range, (float, int)):
            zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"ImageDataGenerator: zoom_range must be a float or two floats, received {zoom_range!r}")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):
            raise ValueError(f"ImageDataGenerator: brightness_range must be a tuple or list of two floats, received "
                             f"{brightness_range!r}")
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range, self.shear_range = rotation_range, shear_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.zoom_range, self.channel_shift_range = zoom_range, channel_shift_range
        self.brightness_range = brightness_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.dtype = dtype or config.floatx()
        self.interpolation_order = interpolation_order
        self.data_format = data_format
        self.channel_axis, self.row_axis, self.col_axis = (3, 1, 2) if data_format == "channels_last" else (1, 2, 3)
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None
        self._imply("zca_whitening", zca_whitening, featurewise_center, "featurewise_center", True)
        if zca_whitening and featurewise_std_normalization:
            self.featurewise_std_normalization = False
            warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which overrides setting of "
                          "`featurewise_std_normalization`.", stacklevel=2)
        self._imply("featurewise_std_normalization", featurewise_std_normalization, self.featurewise_center,
                    "featurewise_center", True)
        self._imply("samplewise_std_normalization", samplewise_std_normalization, samplewise_center,
                    "samplewise_center", True)

    def _imply(self, option, on, current, implied, value):
        """`option` needs `implied` switched on (tf-keras turns it on and warns)."""
        if on and not current:
            setattr(self, implied, value)
            warnings.warn(f"This ImageDataGenerator specifies `{option}`, which overrides setting of `{implied}`.",
                          stacklevel=3)

    # -- iterators ------------------------------------------------------------------------------------
    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, save_to_dir=None,
             save_prefix="", save_format="png", ignore_class_split=False, subset=None):
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
                                  seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True, seed=None, save_to_dir=None,
                            save_prefix="", save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False):
        return DirectoryIterator(directory, self, target_size=target_size, color_mode=color_mode,
                                 keep_aspect_ratio=keep_aspect_ratio, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size, shuffle=shuffle, seed=seed,
                                 save_to_dir=save_to_dir, save_prefix=save_prefix, save_format=save_format,
                                 follow_links=follow_links, subset=subset, interpolation=interpolation,
                                 dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory=None, x_col="filename", y_col="class", weight_col=None,
                            target_size=(256, 256), color_mode="rgb", classes=None, class_mode="categorical",
                            batch_size=32, shuffle=True, seed=None, save_to_dir=None, save_prefix="",
                            save_format="png", subset=None, interpolation="nearest", validate_filenames=True,
                            **kwargs):
        for old in ("has_ext", "sort", "drop_duplicates"):
            if old in kwargs:
                warnings.warn(f"flow_from_dataframe: `{old}` is deprecated and ignored.", DeprecationWarning,
                              stacklevel=2)
        if class_mode == "other":
            warnings.warn('`class_mode` "other" is deprecated, please use `class_mode` "raw".', DeprecationWarning,
                          stacklevel=2)
            class_mode = "raw"
        from tkeras.preprocessing.image.dataframe_iterator import DataFrameIterator
        return DataFrameIterator(dataframe, directory, self, x_col=x_col, y_col=y_col, weight_col=weight_col,
                                 target_size=target_size, color_mode=color_mode, classes=classes,
                                 class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, subset=subset, interpolation=interpolation,
                                 validate_filenames=validate_filenames, dtype=self.dtype)

    # -- one image ------------------------------------------------------------------------------------
    def standardize(self, x):
        """preprocessing_function, rescale, sample-wise then feature-wise centring/scaling, ZCA (tf-keras'
        order; in place on float arrays, as tf-keras)."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        for option, ready, apply in (
                ("featurewise_center", self.mean is not None, lambda v: v - self.mean),
                ("featurewise_std_normalization", self.std is not None, lambda v: v / (self.std + 1e-6)),
                ("zca_whitening", self.zca_whitening_matrix is not None,
                 lambda v: np.reshape(v.reshape(-1, np.prod(v.shape[-3:])) @ self.zca_whitening_matrix, v.shape))):
            if getattr(self, option):
                if ready:
                    x = apply(x)
                else:
                    warnings.warn(f"This ImageDataGenerator specifies `{option}`, but it hasn't been fit on any "
                                  f"training data. Fit it first by calling `.fit(numpy_data)`.", stacklevel=2)
        return x

    def get_random_transform(self, img_shape, seed=None):
        """The random parameters for one image (draws in tf-keras' order from NumPy's global generator)."""
        row_axis, col_axis = self.row_axis - 1, self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = _choice_shift(self.height_shift_range, img_shape[row_axis]) if self.height_shift_range else 0
        ty = _choice_shift(self.width_shift_range, img_shape[col_axis]) if self.width_shift_range else 0
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift_intensity, "brightness": brightness}

    def apply_transform(self, x, transform_parameters):
        """One image (without batch axis) moved and recoloured by `transform_parameters`."""
        params = transform_parameters
        row_axis, col_axis, channel_axis = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        x = affine.apply_affine_transform(x, params.get("theta", 0), params.get("tx", 0), params.get("ty", 0),
                                          params.get("shear", 0), params.get("zx", 1), params.get("zy", 1),
                                          row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                          fill_mode=self.fill_mode, cval=self.cval, order=self.interpolation_order)
        if params.get("channel_shift_intensity") is not None:
            x = affine.apply_channel_shift(x, params["channel_shift_intensity"], channel_axis)
        if params.get("flip_horizontal", False):
            x = affine.flip_axis(x, col_axis)
        if params.get("flip_vertical", False):
            x = affine.flip_axis(x, row_axis)
        if params.get("brightness") is not None:
            x = affine.apply_brightness_shift(x, params["brightness"], False)
        return x

    def random_transform(self, x, seed=None):
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Per-channel mean and std (and the ZCA matrix) of `x`, for the feature-wise options."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError(f"ImageDataGenerator.fit: the input should have rank 4, received shape {x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(f"ImageDataGenerator.fit: expected images with 1, 3 or 4 channels on axis "
                          f"{self.channel_axis} ({self.data_format}); received shape {x.shape}.", stacklevel=2)
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if self.rescale:
            x *= self.rescale
        if augment:
            x = np.stack([self.random_transform(x[i]) for _ in range(rounds) for i in range(x.shape[0])]).astype(
                self.dtype)
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=axes), shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=axes), shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = np.reshape(x, (len(x), -1))
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))).dot(u.T)
