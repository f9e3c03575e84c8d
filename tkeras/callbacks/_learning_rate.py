"""Reading and setting an optimizer's learning rate as Keras callbacks do, for every optimizer
spelling tkeras meets (`learning_rate` property, Keras 2 `lr`, a 0-dim tensor or Variable)."""
import numpy as np


def get_learning_rate(optimizer, who):
    if optimizer is None:
        raise ValueError(f"{who}: the model has no optimizer; compile it first")
    value = getattr(optimizer, "learning_rate", None)
    if value is None:
        value = getattr(optimizer, "lr", None)
    if value is None:
        raise ValueError(f"{who}: optimizer {type(optimizer).__name__} has no 'learning_rate' attribute")
    if callable(value) and not hasattr(value, "item") and not isinstance(value, (int, float)):
        raise TypeError(f"{who}: the optimizer's learning rate is a schedule ({type(value).__name__}); "
                        f"a callback cannot also change it. Pass a float learning_rate to the optimizer.")
    # Keras keeps the rate in a float32 variable; reading it back gives the float32-rounded value.
    return float(np.float32(float(value)))


def set_learning_rate(optimizer, value):
    current = getattr(optimizer, "learning_rate", None)
    if hasattr(current, "assign") and not isinstance(current, (int, float)):
        current.assign(float(value))
    else:
        optimizer.learning_rate = float(value)
