"""The image layers' argument checks: data formats, choices, sizes, factor ranges, box formats, each
refusal naming the layer and the argument; and configs kept JSON-stable."""
import numbers

from tkeras.backend import config
from tkeras.utils.bounding_boxes import SUPPORTED_FORMATS


def standardize_data_format(layer_name, data_format):
    return config.standardize_data_format(data_format, layer_name)


def check_choice(layer_name, argument, value, choices):
    if value not in choices:
        raise ValueError(f"{layer_name}: `{argument}` must be one of {choices}, received {value!r}")
    return value


def check_size(layer_name, height, width):
    for argument, value in (("height", height), ("width", width)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
            raise ValueError(f"{layer_name}: `{argument}` must be a positive integer, received {value!r}")
    return int(height), int(width)


def factor_range(layer_name, argument, factor, low=None, high=None):
    """A factor given as one number f (meaning [-f, f]) or as (lower, upper), as a (lower, upper) pair
    of floats checked against the allowed bounds."""
    if isinstance(factor, (list, tuple)):
        if len(factor) != 2:
            raise ValueError(f"{layer_name}: `{argument}` must be a number or a (lower, upper) pair, "
                             f"received {factor!r}")
        lower, upper = sorted((float(factor[0]), float(factor[1])))  # Keras accepts either order
    elif isinstance(factor, numbers.Real) and not isinstance(factor, bool):
        lower, upper = -abs(float(factor)), abs(float(factor))
    else:
        raise ValueError(f"{layer_name}: `{argument}` must be a number or a (lower, upper) pair, "
                         f"received {factor!r}")
    for bound in (lower, upper):
        if (low is not None and bound < low) or (high is not None and bound > high):
            raise ValueError(f"{layer_name}: `{argument}` must lie in [{low}, {high}], received {factor!r}")
    return lower, upper


def check_box_format(layer_name, bounding_box_format):
    """None, or one of `keras.utils.bounding_boxes`' formats (kept as given, as Keras keeps it)."""
    if bounding_box_format is not None and (not isinstance(bounding_box_format, str)
                                            or bounding_box_format.lower() not in SUPPORTED_FORMATS):
        raise ValueError(f"{layer_name}: `bounding_box_format` must be one of {SUPPORTED_FORMATS} (or None), "
                         f"received {bounding_box_format!r}")
    return bounding_box_format


def with_box_format(config_, bounding_box_format):
    """`config_` with Keras' `bounding_box_format` entry (right after `data_format`) when one is set."""
    if bounding_box_format is None:
        return config_
    ordered = {}
    for key, value in config_.items():
        if key != "bounding_box_format":
            ordered[key] = value
        if key == "data_format":
            ordered["bounding_box_format"] = bounding_box_format
    ordered.setdefault("bounding_box_format", bounding_box_format)
    return ordered


def plain(value):
    """Tuples become lists so that a config survives a JSON round trip unchanged."""
    return list(value) if isinstance(value, tuple) else value
