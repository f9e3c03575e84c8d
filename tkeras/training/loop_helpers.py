"""Small pieces of fit/evaluate/predict's loops that need no model: how long the input is, how predict's
batches are put back together, when to validate, the NaN warning, the epoch cap, Keras 2's
`callback.validation_data`, and which compute_loss signature evaluate calls.
"""
import functools
import inspect
import math
import warnings

import numpy as np
import torch

from tkeras import tree
from tkeras.data.ragged_rows import is_ragged


def len_of(x):
    first = tree.flatten(x)[0]
    return len(first)


def concat_outputs(outputs):
    """predict's per-batch outputs joined along the batch axis, in the model's own output structure
    (nested lists, tuples and dicts, as Keras returns them: a layer with two outputs among the model's
    outputs gives a list inside the list)."""
    first = outputs[0]
    if isinstance(first, torch.Tensor):
        return torch.cat(outputs).cpu().numpy()
    if is_ragged(first):  # see detached_prediction
        return type(first).from_row_lengths(torch.cat([torch.as_tensor(o.values) for o in outputs]),
                                            torch.cat([torch.as_tensor(o.row_lengths()) for o in outputs]))
    if isinstance(first, dict):
        return {k: concat_outputs([o[k] for o in outputs]) for k in first}
    if isinstance(first, (list, tuple)):
        joined = [concat_outputs([o[i] for o in outputs]) for i in range(len(first))]
        return tuple(joined) if isinstance(first, tuple) else joined
    return outputs


def detached_prediction(tensor):
    """One predicted output, off the autograd graph. A sequence made from ragged input rows (still masked by
    their lengths: an RNN with return_sequences=True) comes back as a RaggedTensor, as tf-keras 2's predict
    gives it; batches padded to different lengths could not be joined otherwise."""
    if "_keras_mask" in tensor.__dict__:
        from tkeras.layers.layer_inputs import ragged_output
        tensor = ragged_output(tensor)
        if is_ragged(tensor):
            return tensor
    return tensor.detach()


def logs_as_list(logs, metric_names):
    """evaluate()'s and test_on_batch()'s list result: the model's metrics first, in their order, then
    every other value the step returned (a custom test_step's extra entries, such as a distiller's
    `student_loss`) by sorted name, as Keras lists them; a single value comes back bare."""
    values = [logs[name] for name in metric_names if name in logs]
    known = set(metric_names)
    values += [logs[key] for key in sorted(logs) if key not in known]
    return values[0] if len(values) == 1 else values


def should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def warn_if_nan(logs, epoch):
    loss = logs.get("loss")
    if isinstance(loss, float) and (math.isnan(loss) or math.isinf(loss)):
        warnings.warn(f"Epoch {epoch + 1}: the training loss is {loss}. Training diverged; lower the learning "
                      f"rate, scale the inputs, or check the data for NaN values.", RuntimeWarning, stacklevel=3)


def note_batch_size_fixed(model, batches):
    """Tell a model that its first batch will build it whether every batch has that size.

    A Sequential built by its first data keeps the data's batch size in its input shape (build_config,
    summary) only where TensorFlow would trace a fixed batch: arrays that split into equal batches.
    tf-keras 2 and Keras 3 on TensorFlow record None after a short last batch, and for datasets and
    generators, whose batches TensorFlow never fixes.
    """
    if not model.built:
        samples, size = getattr(batches, "num_samples", None), getattr(batches, "batch_size", None)
        model.__dict__["_first_batch_size_fixed"] = bool(samples and size and samples % size == 0)


def capped_epochs(epochs):
    """TKERAS_MAX_EPOCHS caps every fit (smoke runs of long tutorials), as does Keras 3's
    `keras.config.set_max_epochs` (with Keras' warning)."""
    import os
    from tkeras import config
    cap = os.environ.get("TKERAS_MAX_EPOCHS")
    epochs = min(int(epochs), int(cap)) if cap else int(epochs)
    if config.max_epochs() and config.max_epochs() < epochs:
        warnings.warn(f"Limiting epochs to {config.max_epochs()}", stacklevel=3)
        epochs = config.max_epochs()
    return epochs


def give_callbacks_validation_arrays(callbacks, x, y, sample_weight):
    """Keras 2.0-2.2 set `callback.validation_data` to the validation arrays (inputs, targets, then sample
    weights, each flattened) when fit got arrays; callbacks of that era read samples from it
    (`self.validation_data[0][0:1]`). tf-keras 2 left it None, as it stays here for datasets."""
    from tkeras.training import data_adapter
    if x is None or not data_adapter.is_array_like(x) or any(data_adapter.is_ragged(v) for v in tree.flatten(x)):
        return  # ragged rows (tf-keras 2 only) are no arrays to hand out
    inputs, targets = tree.flatten(x), tree.flatten(y) if y is not None else []
    count = len(inputs[0])
    if sample_weight is not None:
        weights = tree.flatten(sample_weight)
    else:
        weights = [np.ones(count, "float32") for _ in targets]
    arrays = [np.asarray(v) for v in inputs + targets + weights]
    for callback in callbacks:
        callback.validation_data = arrays


@functools.lru_cache(maxsize=None)
def compute_loss_takes_training(model_class):
    """Keras passes `training=` to compute_loss only when its signature has room for it, so that an
    override with the older (x, y, y_pred, sample_weight) signature keeps working in evaluate();
    cached per class because test_step runs once per batch."""
    try:
        parameters = inspect.signature(model_class.compute_loss).parameters
    except (TypeError, ValueError):
        return True
    return "training" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())
