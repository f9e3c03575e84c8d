"""Small pieces of fit/evaluate/predict's loops that need no model: how long the input is, how predict's
batches are put back together, when to validate, the NaN warning, and the epoch cap.
"""
import math
import warnings

import torch

from tkeras import tree


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
    if isinstance(first, dict):
        return {k: concat_outputs([o[k] for o in outputs]) for k in first}
    if isinstance(first, (list, tuple)):
        joined = [concat_outputs([o[i] for o in outputs]) for i in range(len(first))]
        return tuple(joined) if isinstance(first, tuple) else joined
    return outputs


def should_validate(epoch, validation_freq):
    if isinstance(validation_freq, int):
        return (epoch + 1) % validation_freq == 0
    return (epoch + 1) in validation_freq


def warn_if_nan(logs, epoch):
    loss = logs.get("loss")
    if isinstance(loss, float) and (math.isnan(loss) or math.isinf(loss)):
        warnings.warn(f"Epoch {epoch + 1}: the training loss is {loss}. Training diverged; lower the learning "
                      f"rate, scale the inputs, or check the data for NaN values.", RuntimeWarning, stacklevel=3)


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
