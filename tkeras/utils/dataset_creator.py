"""tf-keras 2's `keras.utils.experimental.DatasetCreator`: a dataset *function* handed to fit/evaluate/predict
in place of a dataset.

TensorFlow calls the function with a `tf.distribute.InputContext` so that each input pipeline can shard its
data; tkeras has one input pipeline per process, so the function is called once per fit/evaluate/predict
call with the context of a single pipeline. As the dataset it returns is usually endless (`.repeat()`),
the caller must say how many steps to draw, as tf-keras requires.
"""
from tkeras.data.dataset import Dataset


class DatasetCreator:
    """Wraps `dataset_fn(input_context) -> tf.data.Dataset` for `model.fit(DatasetCreator(fn), steps_per_epoch=k)`."""

    def __init__(self, dataset_fn, input_options=None):
        if not callable(dataset_fn):
            raise TypeError(f"DatasetCreator: `dataset_fn` must be a callable taking a tf.distribute.InputContext "
                            f"and returning a tf.data.Dataset. Received: {dataset_fn!r}")
        self.dataset_fn = dataset_fn
        self.input_options = input_options  # prefetching to devices: nothing to tune on torch

    def __call__(self, *args, **kwargs):
        dataset = self.dataset_fn(*args, **kwargs)
        if not isinstance(dataset, Dataset):
            raise TypeError(f"DatasetCreator: the `dataset_fn` must return a tf.data.Dataset; it returned "
                            f"{type(dataset).__name__} {dataset!r:.80}")
        return dataset


def created_dataset(creator, steps):
    """The dataset `creator` makes for one fit/evaluate/predict call, which must give its number of steps."""
    if not steps:
        raise ValueError("When using a `tf.keras.utils.experimental.DatasetCreator`, the `steps_per_epoch` "
                         "(fit), `validation_steps` (fit's validation_data) or `steps` (evaluate, predict) "
                         "argument must be provided: its dataset is read as an endless stream.")
    from tkeras.distribute.input_context import InputContext  # (tkeras.distribute loads on first use only)
    return creator(InputContext())
