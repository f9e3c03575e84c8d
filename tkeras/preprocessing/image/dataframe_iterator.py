"""`DataFrameIterator`: batches of image files named in a pandas DataFrame column, labelled from another
(`ImageDataGenerator.flow_from_dataframe`, the Kaggle-competition idiom). pandas is only needed here,
and only when this iterator is made.
"""
import collections
import os
import warnings

import numpy as np

from tkeras.preprocessing.image.iterators import WHITE_LIST_FORMATS, BatchFromFilesMixin, Iterator


def _is_valid_image_file(path):
    return path.lower().endswith(WHITE_LIST_FORMATS) and os.path.isfile(path)


class DataFrameIterator(BatchFromFilesMixin, Iterator):
    allowed_class_modes = {"binary", "categorical", "input", "multi_output", "raw", "sparse", None}

    def __init__(self, dataframe, directory=None, image_data_generator=None, x_col="filename", y_col="class",
                 weight_col=None, target_size=(256, 256), color_mode="rgb", classes=None, class_mode="categorical",
                 batch_size=32, shuffle=True, seed=None, data_format="channels_last", save_to_dir=None,
                 save_prefix="", save_format="png", subset=None, interpolation="nearest", keep_aspect_ratio=False,
                 dtype="float32", validate_filenames=True):
        self.set_processing_attrs(image_data_generator, target_size, color_mode, data_format, save_to_dir,
                                  save_prefix, save_format, subset, interpolation, keep_aspect_ratio)
        frame = dataframe.copy()
        self.directory, self.class_mode, self.dtype = directory or "", class_mode, dtype
        self._check(frame, x_col, y_col, weight_col)
        if validate_filenames:
            paths = frame[x_col].map(lambda name: os.path.join(self.directory, name))
            valid = paths.apply(_is_valid_image_file)
            if (~valid).sum():
                warnings.warn(f'Found {(~valid).sum()} invalid image filename(s) in x_col="{x_col}". These '
                              f'filename(s) will be ignored.', stacklevel=2)
            frame = frame[valid]
        labelled = class_mode not in ("input", "multi_output", "raw", None)
        if labelled:
            frame, classes = self._keep_classes(frame, y_col, classes)
            self.class_indices = {name: i for i, name in enumerate(classes)}
        if self.split:
            frame = frame.iloc[int(self.split[0] * len(frame)):int(self.split[1] * len(frame)), :]
        if labelled:
            self.classes = [[self.class_indices[v] for v in label] if isinstance(label, (list, tuple))
                            else self.class_indices[label] for label in frame[y_col]]
        self.filenames = frame[x_col].tolist()
        self._sample_weight = frame[weight_col].values if weight_col else None
        if class_mode == "multi_output":
            self._targets = [np.array(frame[column].tolist()) for column in y_col]
        if class_mode == "raw":
            self._targets = frame[y_col].values
        self.samples = len(self.filenames)
        checked = "validated" if validate_filenames else "non-validated"
        suffix = f" belonging to {len(self.class_indices)} classes" if labelled else ""
        print(f"Found {self.samples} {checked} image filenames{suffix}.")
        self._filepaths = [os.path.join(self.directory, name) for name in self.filenames]
        super().__init__(self.samples, batch_size, shuffle, seed)

    def _check(self, frame, x_col, y_col, weight_col):
        mode = self.class_mode
        if mode not in self.allowed_class_modes:
            raise ValueError(f"class_mode must be one of {sorted(map(str, self.allowed_class_modes))}, received "
                             f"{mode!r}")
        if mode == "multi_output" and not isinstance(y_col, list):
            raise TypeError(f'If class_mode="multi_output", y_col must be a list. Received {type(y_col).__name__}.')
        if not all(frame[x_col].apply(lambda v: isinstance(v, str))):
            raise TypeError(f"All values in column x_col={x_col} must be strings.")
        if mode in ("binary", "sparse") and not all(frame[y_col].apply(lambda v: isinstance(v, str))):
            raise TypeError(f'If class_mode="{mode}", y_col="{y_col}" column values must be strings.')
        if mode == "binary" and frame[y_col].nunique() != 2:
            raise ValueError(f'If class_mode="binary" there must be 2 classes. Found {frame[y_col].nunique()} '
                             f'classes.')
        if mode == "categorical" and not all(frame[y_col].apply(lambda v: isinstance(v, (str, list, tuple)))):
            raise TypeError(f'If class_mode="categorical", y_col="{y_col}" column values must be type string, list '
                            f'or tuple.')
        if weight_col and not issubclass(frame[weight_col].dtype.type, np.number):
            raise TypeError(f"Column weight_col={weight_col} must be numeric.")

    @staticmethod
    def _keep_classes(frame, y_col, classes):
        """Rows whose label is among `classes` (all labels found, sorted, when none are given)."""
        frame = frame.copy()
        if classes:
            classes = list(collections.OrderedDict.fromkeys(classes))

            def keep(label):
                if isinstance(label, (list, tuple)):
                    return [c for c in label if c in classes] or None
                return label if label in classes else None
            frame[y_col] = frame[y_col].apply(keep)
        else:
            found = set()
            for label in frame[y_col]:
                found.update(label if isinstance(label, (list, tuple)) else [label])
            classes = sorted(found)
        return frame.dropna(subset=[y_col]), classes

    @property
    def filepaths(self):
        return self._filepaths

    @property
    def labels(self):
        return self._targets if self.class_mode in ("multi_output", "raw") else self.classes

    @property
    def sample_weight(self):
        return self._sample_weight
