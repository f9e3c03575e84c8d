"""The Keras 2 HDF5 layout (`.h5`/`.hdf5`): what tf-keras 2 wrote, and Keras 3 still reads.

A whole-model file has the JSON attributes `model_config` and `training_config`, a `model_weights`
group listing `layer_names`, one group per layer listing its `weight_names` (datasets stored under
those names), and an `optimizer_weights` group. A weights-only file (`save_weights('w.h5')`) has the
per-layer groups at its root. Layers are matched to the file by position among the layers that have
weights (as Keras 2 did), or by name with `by_name=True`.

Files from Keras 1.x are converted on the way in: their Sequential configs are bare lists (see
`config_compat`), and their recurrent and 1-D convolution weights were stored per gate or in another
shape; `_convert_keras1_weights` rebuilds the Keras 2 arrays from them.
"""
import json
import warnings

import h5py
import numpy as np

from tkeras.backend.functions import hard_sigmoid
from tkeras.layers.weight_order import legacy_order
from tkeras.saving import (h5_guard, keras_layout, model_config, tf_keras2_h5, tf_keras2_optimizer_state,
                           weights_store)
from tkeras.saving._atomic import atomic_path
from tkeras.saving.config_compat import KERAS3_ONLY_DEFAULTS
from tkeras.saving.errors import CorruptFileError, SavingError, WeightMismatchError

KERAS_VERSION = "3.15.1"


# -- writing ---------------------------------------------------------------------------------------
def save_model(model, filepath, include_optimizer=True):
    config = model_config.model_config(model)
    training = model_config.compile_config(model) if include_optimizer else None
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as h5:
            h5.attrs["backend"] = "tensorflow"
            h5.attrs["keras_version"] = KERAS_VERSION
            keras2, keras3 = hard_sigmoid_eras(model)
            if keras2 and not keras3:
                h5.attrs[KERAS2_HARD_SIGMOID] = "keras2"
            elif keras2:
                warn_keras2_hard_sigmoid_lost(model, "a .h5 file", "it also has layers with Keras 3's")
            h5.attrs["model_config"] = json.dumps(tf_keras2_h5.with_keras2_nodes(_keras2_spelling(
                {"class_name": config["class_name"], "config": config["config"]})))
            if training is not None:
                training = dict(training)
                training["optimizer_config"] = tf_keras2_h5.keras2_optimizer_config(training.pop("optimizer"))
                h5.attrs["training_config"] = json.dumps(training)
            write_weights_group(h5.create_group("model_weights"), model)
            if include_optimizer and getattr(model, "optimizer", None) is not None:
                _write_optimizer(h5, model.optimizer)


def _keras2_spelling(config):
    """tf-keras 2 reads `batch_input_shape` where Keras 3 writes `batch_shape` (Keras 3 reads both), and
    refuses the keys only Keras 3 writes (`quantization_config`, `optional`, `input_axes`, ...): those
    are left out where they hold their default, which is all tkeras writes."""
    if isinstance(config, list):
        return [_keras2_spelling(c) for c in config]
    if not isinstance(config, dict):
        return config
    result = {k: _keras2_spelling(v) for k, v in config.items()
              if not (k in KERAS3_ONLY_DEFAULTS and v == KERAS3_ONLY_DEFAULTS[k])}
    inner = result.get("config")
    if result.get("class_name") == "InputLayer" and isinstance(inner, dict) and "batch_shape" in inner:
        inner["batch_input_shape"] = inner.pop("batch_shape")
    if result.get("class_name") in _RNN_CLASSES and isinstance(inner, dict) and inner.get("seed", 0) is None:
        del inner["seed"]  # Keras 3 only; tf-keras 2 refuses the unknown argument
    if isinstance(inner, dict):
        _tf_keras2_layer_keys(result.get("class_name"), inner)
        if result.get("class_name") == "MultiHeadAttention":
            # tf-keras 2 pops these three (KeyError when absent) to build the layer before its weights load
            shapes = (result.get("build_config") or {}).get("shapes_dict") or {}
            inner["query_shape"] = shapes.get("query_shape")
            inner["value_shape"] = shapes.get("value_shape")
            inner["key_shape"] = shapes.get("key_shape", shapes.get("value_shape"))
    return result


_ANY = object()
# Arguments a layer took only from Keras 3 on, with the value at which tf-keras 2 computes the same:
# left out of a .h5 config there (tf-keras 2 refuses an argument it does not know).
_IMAGE_LAYERS = ("RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast", "RandomTranslation", "RandomCrop",
                 "CenterCrop", "RandomBrightness", "RandomHeight", "RandomWidth")
_KERAS3_ONLY_ARGUMENTS = {
    **{name: {"data_format": "channels_last"} for name in _IMAGE_LAYERS},
    "Resizing": {"data_format": "channels_last", "pad_to_aspect_ratio": False, "fill_mode": "constant",
                 "fill_value": 0.0, "antialias": False},
    "LayerNormalization": {"rms_scaling": False},
    "MultiHeadAttention": {"use_gate": False, "seed": None, "sliding_window": None},
    "RandomContrast": {"data_format": "channels_last", "value_range": [0.0, 255.0]},  # tf-keras 2: [0, 255]
    "StringLookup": {"vocabulary_size": _ANY, "oov_method": "floormod", "salt": None},
    "IntegerLookup": {"vocabulary_size": _ANY, "oov_method": "floormod", "salt": None},
}


def _tf_keras2_layer_keys(class_name, config):
    """One layer's config as tf-keras 2 takes it (see _KERAS3_ONLY_ARGUMENTS), plus three spellings:
    LeakyReLU's slope was `alpha`; a TextVectorization's dtype is always 'string' there, a lookup's
    integer output an int64."""
    for key, value in _KERAS3_ONLY_ARGUMENTS.get(class_name, {}).items():
        if key in config and (value is _ANY or config[key] == value):
            del config[key]
    if class_name == "LeakyReLU" and "negative_slope" in config:
        config["alpha"] = config.pop("negative_slope")
    elif class_name == "TextVectorization":
        config["dtype"] = "string"
    elif class_name in ("StringLookup", "IntegerLookup") and config.get("output_mode") == "int":
        config["dtype"] = "int64"  # tf-keras 2 wants an integer dtype for indices (tkeras writes floatx)


_RNN_CLASSES = {"SimpleRNN", "GRU", "LSTM", "SimpleRNNCell", "GRUCell", "LSTMCell", "ConvLSTM1D", "ConvLSTM2D",
                "ConvLSTM3D"}


def save_weights(model, filepath):
    with atomic_path(filepath) as tmp:
        with h5py.File(tmp, "w") as h5:
            write_weights_group(h5, model)


def write_weights_group(group, model):
    group.attrs["backend"] = "tensorflow"
    group.attrs["keras_version"] = KERAS_VERSION
    layers = model.operations
    group.attrs["layer_names"] = np.array([layer.name.encode("utf8") for layer in layers])
    for layer in layers:
        sub = group.create_group(layer.name)
        names = _weight_names(layer)
        sub.attrs["weight_names"] = np.array([n.encode("utf8") for n in names]) if names else np.array([], "S1")
        for name, variable in zip(names, legacy_order(layer)):
            sub.create_dataset(name, data=variable.detach().cpu().numpy())
    top = group.create_group("top_level_model_weights")
    top.attrs["weight_names"] = np.array([], "S1")


def _weight_names(layer):
    """tf-keras' names (`bidirectional/forward_lstm/lstm_cell/kernel:0`), in the file's order (trainable
    weights, then the rest: `weight_order.legacy_order`)."""
    names = {}

    def visit(obj, prefix):
        own = keras_layout.own_variables(obj)
        cell = keras_layout._CELL_HOLDERS.get(type(obj).__name__)
        if cell and own and "cell" not in obj._modules:
            prefix_own = f"{prefix}/{cell}"
        else:
            prefix_own = prefix
        for variable in own:
            names.setdefault(id(variable), f"{prefix_own}/{variable.name}:0")
        for _, modules in keras_layout._children(obj):
            for child in modules:
                visit(child, f"{prefix}/{child.name}" if not _is_cell(child) else f"{prefix}/{_cell_name(child)}")

    visit(layer, layer.name)
    result, used = [], set()
    for index, variable in enumerate(legacy_order(layer)):
        name = names.get(id(variable), f"{layer.name}/{variable.name}:0")
        while name in used:
            name = name.replace(":0", f"_{index}:0")
        used.add(name)
        result.append(name)
    return result


def _is_cell(layer):
    return type(layer).__name__.endswith("Cell")


def _cell_name(layer):
    return keras_layout.keras_snake_case(type(layer).__name__)


def _write_optimizer(h5, optimizer):
    """tf-keras 2's legacy layout where it holds the optimizer's state (see tf_keras2_optimizer_state:
    tf-keras 2 restores only that one, Keras 3 restores no slots from `.h5`), else Keras 3's."""
    layout = tf_keras2_optimizer_state.legacy_layout(optimizer)
    if layout is not None:
        names, variables = [name for name, _ in layout], [variable for _, variable in layout]
    else:
        variables = keras_layout.optimizer_variables(optimizer)
        prefix = getattr(optimizer, "name", "optimizer")
        names = [f"{prefix}/{getattr(v, 'name', 'variable')}_{i}" for i, v in enumerate(variables)]
    if not variables:
        return
    group = h5.create_group("optimizer_weights")
    group.attrs["weight_names"] = np.array([n.encode("utf8") for n in names])
    for name, variable in zip(names, variables):
        group.create_dataset(name, data=weights_store._to_numpy(variable))


# -- reading ---------------------------------------------------------------------------------------
def open_file(filepath):
    try:
        return h5py.File(filepath, "r")
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"No file or directory found at {filepath}") from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise CorruptFileError(f"{filepath}: not a readable HDF5 file (truncated or corrupt): {exc}") from exc


def _attr_text(attrs, key, filepath):
    try:
        value = attrs.get(key)
    except (OSError, RuntimeError, ValueError, TypeError, KeyError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read the {key!r} attribute: {exc}") from exc
    if value is None:
        return None
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value.item()
    if isinstance(value, bytes):
        try:
            value = value.decode("utf8")
        except UnicodeDecodeError as exc:
            raise CorruptFileError(f"{filepath}: the {key!r} attribute is not UTF-8 text") from exc
    if not isinstance(value, str):
        raise CorruptFileError(f"{filepath}: the {key!r} attribute is not text")
    return value


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    from tkeras.saving.keras_file import _guard
    return _guard(lambda: _load_model(filepath, custom_objects, compile, safe_mode), filepath)


def _load_model(filepath, custom_objects, compile, safe_mode):
    from tkeras.saving.keras_file import parse_json
    with open_file(filepath) as h5:
        raw = _attr_text(h5.attrs, "model_config", filepath)
        if raw is None:
            raise SavingError(f"{filepath}: no model found in config file (it holds weights only?); build "
                              f"the model and call model.load_weights({filepath!r}) instead")
        config = parse_json(raw, filepath, "model_config")
        version = _attr_text(h5.attrs, "keras_version", filepath) or ""
        if isinstance(config, dict) and version.startswith(("1.", "2.0", "2.1", "2.2")):
            config = _legacy_gru_defaults(config)
        if version.startswith(("1.", "2.")) or _attr_text(h5.attrs, KERAS2_HARD_SIGMOID, filepath) == "keras2":
            config = _keras2_hard_sigmoid(config)
        model = model_config.model_from_config(config, filepath, custom_objects, safe_mode)
        weights_group = h5_guard.get_group(h5, "model_weights", filepath)
        if weights_group is None:
            raise WeightMismatchError(f"{filepath}: the file has a model config but no 'model_weights' group")
        load_weights_group(weights_group, model, filepath, file_version=version)
        training = _attr_text(h5.attrs, "training_config", filepath)
        if compile and training:
            model_config.compile_from_config(model, parse_json(training, filepath, "training_config"),
                                             filepath, custom_objects)
            optimizer_group = h5_guard.get_group(h5, "optimizer_weights", filepath)
            if getattr(model, "optimizer", None) is not None and optimizer_group is not None:
                _load_optimizer(optimizer_group, model, filepath)
    return model


def _legacy_gru_defaults(config):
    """Keras 1 and early Keras 2 GRUs computed the reset gate before the matrix product."""
    if isinstance(config, list):
        return [_legacy_gru_defaults(c) for c in config]
    if not isinstance(config, dict):
        return config
    result = {k: _legacy_gru_defaults(v) for k, v in config.items()}
    if result.get("class_name") == "GRU" and isinstance(result.get("config"), dict):
        result["config"].setdefault("reset_after", False)
    return result


# Root attribute of a .h5 file tkeras writes for a model whose "hard_sigmoid" is Keras 1/2's (a layer loaded
# from such a file): the file says Keras 3.15.1, whose "hard_sigmoid" is x/6 + 0.5, so without it a
# save/load round trip would silently change the layer (0.046 on the tf-keras fixture's LSTM). tf-keras 2
# reads "hard_sigmoid" as 0.2x + 0.5 anyway and ignores the attribute.
KERAS2_HARD_SIGMOID = "tkeras_hard_sigmoid"


def hard_sigmoid_eras(model):
    """(Keras 1/2's, Keras 3's): whether any layer of `model` computes each era's hard_sigmoid."""
    from tkeras import activations
    functions = {value for module in model.modules() for value in vars(module).values()
                 if value is hard_sigmoid or value is activations.hard_sigmoid}
    return hard_sigmoid in functions, activations.hard_sigmoid in functions


def warn_keras2_hard_sigmoid_lost(model, where, reason):
    """Where a file cannot keep the Keras 1/2 formula, saving says so instead of changing it silently."""
    warnings.warn(f"{model.name!r} has layers from a Keras 1/2 file whose 'hard_sigmoid' is that era's "
                  f"clip(0.2x + 0.5, 0, 1); {where} cannot keep that ({reason}), and loading it back gives "
                  f"Keras 3's clip(x / 6 + 0.5, 0, 1). Save to .h5 to keep the Keras 1/2 formula.", UserWarning,
                  stacklevel=4)


def _keras2_hard_sigmoid(config):
    """Keras 1 and 2 (tf-keras too) meant 0.2x + 0.5, clipped, by "hard_sigmoid" (ConvLSTM's and old
    LSTM/GRU's recurrent_activation default); Keras 3 changed the name to x/6 + 0.5. A file from those
    releases gets the function itself, so the layer computes what it was trained with."""
    if isinstance(config, list):
        return [_keras2_hard_sigmoid(c) for c in config]
    if not isinstance(config, dict):
        return config
    return {k: hard_sigmoid if k.endswith("activation") and v == "hard_sigmoid" else _keras2_hard_sigmoid(v)
            for k, v in config.items()}


def load_weights_group(group, model, filepath, by_name=False, skip_mismatch=False, file_version=""):
    """`file_version`: the whole file's keras_version (Keras 1 kept it on the root, not the group)."""
    version = _attr_text(group.attrs, "keras_version", filepath) or file_version or ""
    try:
        file_layers = [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in group.attrs["layer_names"]]
    except (KeyError, OSError, RuntimeError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"{filepath}: the weights group has no readable 'layer_names': {exc}") from exc
    stored = {}
    for name in file_layers:
        if name in stored:
            continue
        stored[name] = _layer_arrays(group, name, filepath)
    layers = model.operations
    pending = []
    if by_name:
        for layer in layers:
            if layer.name in stored and layer.weights:
                arrays = _fit(layer, stored[layer.name], version, filepath, skip_mismatch)
                if arrays is not None:
                    pending.append((legacy_order(layer), arrays))
    else:
        with_weights = [layer for layer in layers if layer.weights]
        file_with_weights = [n for n in file_layers if stored[n]]
        if len(with_weights) != len(file_with_weights):
            raise WeightMismatchError(
                f"{filepath}: the file holds weights for {len(file_with_weights)} layers "
                f"({file_with_weights}), but the model has {len(with_weights)} layers with weights "
                f"({[l.name for l in with_weights]}). Use by_name=True to load matching layers only.")
        for layer, name in zip(with_weights, file_with_weights):
            arrays = _fit(layer, stored[name], version, filepath, skip_mismatch, file_layer=name)
            if arrays is not None:
                pending.append((legacy_order(layer), arrays))
    weights_store._assign(pending)


def _layer_arrays(group, name, filepath):
    """The layer's stored weights as (dataset, where) pairs, checked by h5_guard but not read yet."""
    layer_group = h5_guard.get_group(group, name, filepath)
    try:
        if layer_group is None:
            raise KeyError(f"no group {name!r}")
        names = [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in layer_group.attrs["weight_names"]]
    except (KeyError, OSError, RuntimeError, TypeError, ValueError, UnicodeDecodeError) as exc:
        raise CorruptFileError(f"{filepath}: layer {name!r}: cannot read its weight list: {exc}") from exc
    stored = []
    for weight_name in names:
        dataset = h5_guard.get_dataset(layer_group, weight_name, filepath)
        if dataset is None:
            raise WeightMismatchError(f"{filepath}: layer {name!r} lists weight {weight_name!r} but the "
                                      f"file does not hold it")
        stored.append((dataset, f"{name}/{weight_name}"))
    return stored


def _fit(layer, stored, version, filepath, skip_mismatch, file_layer=None):
    """The arrays for `layer` from its stored datasets: shapes are compared before anything is read
    (Keras 1 files, whose arrays are reshaped on the way in, are read first and compared after)."""
    if not version.startswith("1."):
        stored = _in_layer_order(layer, stored)
    if version.startswith("1."):
        arrays = _convert_keras1_weights(layer, [h5_guard.read(d, filepath, where) for d, where in stored])
    else:
        arrays = [dataset for dataset, _ in stored]
    shapes = [tuple(w.shape) for w in legacy_order(layer)]
    problem = None
    if len(arrays) != len(shapes):
        problem = f"holds {len(arrays)} weight(s) for it"
    else:
        for index, (array, shape) in enumerate(zip(arrays, shapes)):
            if tuple(array.shape) != shape:
                problem = f"holds weight {index} of shape {tuple(array.shape)}"
                break
    if problem is None:
        if not version.startswith("1."):
            arrays = [h5_guard.read(d, filepath, where) for d, where in stored]
        return arrays
    source = f" (stored as layer {file_layer!r})" if file_layer and file_layer != layer.name else ""
    message = (f"{filepath}: layer {layer.name!r}{source}: the file {problem}, but the layer expects "
               f"{len(shapes)} weight(s) of shapes {shapes}")
    if skip_mismatch:
        warnings.warn(f"Skipping loading weights for layer {layer.name!r}: {message}", stacklevel=4)
        return None
    raise WeightMismatchError(message)


def _in_layer_order(layer, stored):
    """Files tkeras wrote before it followed the legacy order listed a nested model's weights sublayer
    by sublayer (a BatchNormalization's moving statistics beside its gamma and beta). When the stored
    names are exactly the layer's names in another order, take them by name."""
    names = [where.split("/", 1)[1] if "/" in where else where for _, where in stored]
    expected = _weight_names(layer)
    if names == expected or len(set(names)) != len(names) or sorted(names) != sorted(expected):
        return stored
    by_name = dict(zip(names, stored))
    return [by_name[name] for name in expected]


def _convert_keras1_weights(layer, arrays):
    """Keras 1.x kept recurrent weights per gate and Conv1D kernels as 4-D arrays."""
    kind = type(layer).__name__
    if kind == "Bidirectional" and arrays and len(arrays) % 2 == 0:
        half = len(arrays) // 2
        forward = getattr(layer, "forward_layer", layer)
        backward = getattr(layer, "backward_layer", layer)
        return _convert_keras1_weights(forward, arrays[:half]) + _convert_keras1_weights(backward, arrays[half:])
    if kind == "LSTM" and len(arrays) == 12:  # per gate, in the order i, c, f, o
        order = (0, 6, 3, 9)  # -> i, f, c, o
        return [np.concatenate([arrays[g + k] for g in order], axis=-1) for k in range(3)]
    if kind == "GRU" and len(arrays) == 9:  # z, r, h
        return [np.concatenate([arrays[g + k] for g in (0, 3, 6)], axis=-1) for k in range(3)]
    if kind == "Conv1D" and arrays and arrays[0].ndim == 4:
        kernel = arrays[0]
        kernel = kernel[:, 0] if kernel.shape[1] == 1 else np.transpose(kernel, (2, 3, 1, 0))[:, 0]
        return [kernel] + list(arrays[1:])
    return arrays


def _load_optimizer(group, model, filepath):
    try:
        names = [n.decode("utf8") if isinstance(n, bytes) else str(n) for n in group.attrs["weight_names"]]
    except (KeyError, OSError, RuntimeError, TypeError, ValueError, UnicodeDecodeError):
        warnings.warn(f"{filepath}: unreadable optimizer state; the optimizer starts fresh", stacklevel=3)
        return
    datasets = [h5_guard.get_dataset(group, n, filepath) for n in names]
    if any(d is None for d in datasets):
        warnings.warn(f"{filepath}: incomplete optimizer state; the optimizer starts fresh", stacklevel=3)
        return
    weights_store.set_optimizer_state(model, datasets, filepath, [f"optimizer_weights/{n}" for n in names])


def load_weights(model, filepath, by_name=False, skip_mismatch=False):
    from tkeras.saving.keras_file import _guard

    def load():
        with open_file(filepath) as h5:
            nested = h5_guard.get_group(h5, "model_weights", filepath) if "layer_names" not in h5.attrs else None
            group = nested if nested is not None else h5
            version = _attr_text(h5.attrs, "keras_version", filepath) or ""
            load_weights_group(group, model, filepath, by_name=by_name, skip_mismatch=skip_mismatch,
                               file_version=version)
    _guard(load, filepath)
