"""Keras 3's `Model.quantize(mode, config=None, filters=None)`: quantize every leaf layer that can be.

tkeras runs int8 and int4 for Dense, EinsumDense (`layers/core/int8_quantization.py`,
`layers/core/int4_quantization.py`) and Embedding (`layers/core/embedding_quantization.py`); a leaf layer without
`quantize` is left alone with a warning naming it, and one whose `quantize` refuses the mode warns with
its reason, as in Keras.
`filters` picks layers by a regex on their name, a list of regexes, or a callable.
"""
import re
import warnings

from tkeras.layers.layer_keras3 import Keras3LayerMethods


def _selected(layer, filters):
    if filters is None:
        return True
    if isinstance(filters, str):
        return re.search(filters, layer.name) is not None
    if isinstance(filters, (list, tuple)):
        return any(re.search(pattern, layer.name) is not None for pattern in filters)
    return bool(filters(layer))


def quantize_model(model, mode=None, config=None, filters=None, **kwargs):
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}.quantize: {kwargs}")
    if filters is not None and not (isinstance(filters, (str, list, tuple)) or callable(filters)):
        raise ValueError(f"{type(model).__name__}.quantize: `filters` must be a regex string, a list of regex "
                         f"strings or a callable; received {type(filters).__name__}")
    if mode is None and config is not None:
        mode = config.mode
    if not model.built:
        raise ValueError(f"Model {model.name!r}: build the model (call it or fit it once) before quantize({mode!r})")
    quantized = []
    for layer in model._flatten_layers(include_self=False):
        if len(list(layer._flatten_layers())) != 1 or not _selected(layer, filters):
            continue
        quantize = getattr(layer, "quantize", None)
        if quantize is None:
            continue
        if getattr(type(layer), "quantize", None) is Keras3LayerMethods.quantize:
            # no quantized form: as Keras, one warning per such leaf layer, and the layer is left as it is
            warnings.warn(f"Model.quantize({mode!r}): {type(layer).__name__} {layer.name!r} has no quantized "
                          f"form in tkeras; it keeps its float weights", stacklevel=3)
            continue
        try:
            quantize(mode, type_check=type_check, config=config)
        except NotImplementedError as error:
            warnings.warn(str(error), stacklevel=3)
        else:
            quantized.append(layer.name)
    return quantized
