"""save_model / load_model / save_weights / load_weights: pick the format, then delegate.

The format follows the file name as in Keras (`.keras` -> the Keras 3 zip, `.h5`/`.hdf5` -> the
Keras 2 HDF5 layout, `.weights.h5` -> Keras 3 weights), and on loading the file's own first bytes
decide, so a Keras 2 script that saved to a bare name (`model.save('my_model')`, once a SavedModel
folder) still loads what it saved. `safe_mode` is only ever an argument of these calls.
"""
import functools
import json
import os

from tkeras.saving import (
    h5_guard, keras_file, legacy_h5, model_config, script_classes, weights_load_status, weights_store,
)
from tkeras.saving._atomic import atomic_path
from tkeras.saving.object_scope import CustomObjectScope
from tkeras.saving.errors import CorruptFileError, FileLimitError, SavingError

_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_ZIP_MAGIC = b"PK"


def _sniff(filepath):
    try:
        with open(filepath, "rb") as f:
            head = f.read(8)
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"No file or directory found at {filepath}") from exc
    except IsADirectoryError as exc:
        raise SavingError(f"{filepath} is a folder (a TensorFlow SavedModel?); tkeras reads .keras and "
                          f".h5 files. Re-save the model with model.save('model.keras').") from exc
    if head.startswith(_HDF5_MAGIC):
        return "h5"
    if head.startswith(_ZIP_MAGIC):
        return "keras"
    raise CorruptFileError(f"{filepath}: neither a .keras (zip) nor an HDF5 file (it starts with {head!r})")


def _confirm_overwrite(filepath, overwrite):
    if overwrite or not os.path.exists(filepath):
        return True
    answer = input(f"[WARNING] {filepath} already exists - overwrite? [y/n] ").strip().lower()
    while answer not in ("y", "n"):
        answer = input('Enter "y" (overwrite) or "n" (cancel). ').strip().lower()
    if answer == "n":
        print("[TIP] Next time specify overwrite=True!")
    return answer == "y"


def _is_writer():
    """Under data-parallel training every rank holds the same weights: only rank 0 writes the file,
    so an unchanged script launched by torchrun does not race N processes onto one path."""
    from tkeras.distribute.runtime import is_chief, is_initialized
    return not is_initialized() or is_chief()


def _whole_weights(function, reshard=False):
    """Under keras.distribution.ModelParallel a model holds weight shards: every rank gathers them
    (a collective) before rank 0 writes, and a load is split again afterwards (tkeras.distribute)."""
    @functools.wraps(function)
    def with_whole_weights(model, *args, **kwargs):
        if getattr(model, "_tkeras_sharding", None) is None:
            return function(model, *args, **kwargs)
        from tkeras.distribute.sharded_weights import full_weights
        with full_weights(model, reshard=reshard):
            return function(model, *args, **kwargs)
    return with_whole_weights


@_whole_weights
def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None, **kwargs):
    filepath = os.fspath(filepath)
    kwargs.pop("signatures", None), kwargs.pop("options", None), kwargs.pop("save_traces", None)
    if kwargs:
        raise TypeError(f"save_model() got unexpected keyword argument(s) {sorted(kwargs)}")
    if not _is_writer():
        return
    if not _confirm_overwrite(filepath, overwrite):
        return
    if save_format in ("h5", "hdf5") or filepath.endswith((".h5", ".hdf5")):
        if filepath.endswith(".weights.h5"):
            raise ValueError(f"save_model: {filepath!r} names a weights file; use model.save_weights() "
                             f"for '.weights.h5', or save the model as '.keras' or '.h5'")
        legacy_h5.save_model(model, filepath, include_optimizer=include_optimizer)
    else:
        keras_file.save_model(model, filepath, include_optimizer=include_optimizer)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True, **kwargs):
    """Load a model from a `.keras` or `.h5` file written by tkeras, Keras 3, tf-keras 2 or Keras 1."""
    filepath = os.fspath(filepath)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"load_model() got unexpected keyword argument(s) {sorted(kwargs)}")
    custom_objects = _with_scope(custom_objects)
    safe_mode = True if safe_mode is None else bool(safe_mode)
    kind = _sniff(filepath)
    if kind == "keras" and script_classes.saved_model_style(filepath):
        custom_objects = script_classes.saved_model_classes(
            {**script_classes.running_script_layer_classes(), **(custom_objects or {})}) or None
    try:
        if kind == "keras":
            model = keras_file.load_model(filepath, custom_objects, compile, safe_mode)
        else:
            model = legacy_h5.load_model(filepath, custom_objects, compile, safe_mode)
    except RecursionError as exc:
        raise FileLimitError(f"{filepath}: the file's structure is nested too deeply (rule: nesting)") from exc
    except MemoryError as exc:
        raise FileLimitError(f"{filepath}: loading ran out of memory (rule: memory)") from exc
    _build_restored_metrics(model, custom_objects)
    return model


def _build_restored_metrics(model, custom_objects):
    """A model loaded compiled names its metrics at once, as in Keras 3 and tf-keras 2: scripts write
    `dict(zip(loaded.metrics_names, loaded.evaluate(ds)))`, and the names are read before evaluate runs.
    The compiled metrics are built from the model's symbolic outputs (models with a graph only; a
    subclassed model builds them on its first batch, as before). A loss or metric that only resolves
    later (a name the script registers after loading) leaves them to be built on the first batch too."""
    compiled_metrics = getattr(model, "compiled_metrics", None)
    if compiled_metrics is None or compiled_metrics.built:
        return
    try:
        outputs = model.output
    except (AttributeError, ValueError):
        return
    if outputs is None:
        return
    try:
        with CustomObjectScope(custom_objects):
            model._build_compiled(None, None, outputs)
    except ValueError:
        model.compiled_loss.output_names = None  # not built: the first batch builds loss and metrics


@_whole_weights
def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    # Keras 3's parameters; tf-keras 2's Model.save_weights(save_format=, options=) come by keyword.
    if max_shard_size is not None:
        raise NotImplementedError(
            f"save_weights: max_shard_size={max_shard_size!r} asks for the weights split over several files "
            f"(Keras 3's sharded '.weights.json' layout), which tkeras cannot write; pass max_shard_size=None "
            f"to write one '.weights.h5' file")
    save_format = kwargs.pop("save_format", None)
    filepath = os.fspath(filepath)
    kwargs.pop("options", None)
    if kwargs:
        raise TypeError(f"save_weights() got unexpected keyword argument(s) {sorted(kwargs)}")
    if not _is_writer():
        return
    if not _confirm_overwrite(filepath, overwrite):
        return
    if filepath.endswith(".keras"):
        raise ValueError(f"save_weights: {filepath!r} ends in .keras, the whole-model format; use "
                         f"model.save({filepath!r}), or a name ending in '.weights.h5' for weights only")
    if not filepath.endswith(".weights.h5") and (save_format in ("h5", "hdf5") or filepath.endswith((".h5", ".hdf5"))):
        legacy_h5.save_weights(model, filepath)
        return
    import h5py
    target = weights_load_status.checkpoint_file(filepath)
    if target != filepath:
        os.makedirs(filepath, exist_ok=True)
    with atomic_path(target) as tmp:
        with h5py.File(tmp, "w") as h5:
            weights_store.write_model(h5, model, include_optimizer=True)


@functools.partial(_whole_weights, reshard=True)
def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    # Keras 3's parameters; tf-keras 2's by_name= (and options=) come by keyword.
    by_name = kwargs.pop("by_name", False)
    filepath = weights_load_status.checkpoint_file(os.fspath(filepath))
    kind = _sniff(filepath)
    if kind == "keras":
        _, weights = keras_file.read_archive(filepath)
        with keras_file.open_h5_bytes(weights, filepath) as h5:
            keras_file._guard(lambda: weights_store.read_model(h5, model, filepath, skip_mismatch), filepath)
        return None
    with legacy_h5.open_file(filepath) as h5:
        legacy = "layer_names" in h5.attrs or h5_guard.has(h5, "model_weights")
    if legacy:
        legacy_h5.load_weights(model, filepath, by_name=by_name, skip_mismatch=skip_mismatch)
        return weights_load_status.status_for(filepath)
    if by_name:
        raise ValueError(f"load_weights: by_name=True needs a Keras 2 style '.h5' weights file; {filepath} "
                         f"is in the Keras 3 layout, which matches weights by model structure")
    # A bare name (tf-keras 2's TensorFlow checkpoint, which tkeras writes as an HDF5 file) restores as a
    # checkpoint did: layers the file holds nothing for keep their weights (transfer learning into a
    # model with a new head), and the returned status's assertions name them.
    checkpoint_style = weights_load_status.is_checkpoint_path(filepath)
    with legacy_h5.open_file(filepath) as h5:
        unmatched = keras_file._guard(lambda: weights_store.read_model(
            h5, model, filepath, skip_mismatch, missing_ok=checkpoint_style), filepath)
    return weights_load_status.status_for(filepath, unmatched)


def model_to_json(model, **kwargs):
    config = model_config.model_config(model)
    config["keras_version"] = keras_file.KERAS_VERSION
    config["backend"] = "torch"
    return json.dumps(config, **kwargs)


def model_from_json(json_string, custom_objects=None, safe_mode=True):
    config = keras_file.parse_json(json_string, "<json string>", "the model JSON")
    if isinstance(config, dict) and str(config.get("keras_version", "")).startswith(("1.", "2.")):
        # Keras 1/2's to_json() names its release; their "hard_sigmoid" is 0.2x + 0.5, as in their .h5 files.
        config = legacy_h5._keras2_hard_sigmoid(config)
    return model_config.model_from_config(config, "<json string>", _with_scope(custom_objects), safe_mode)


def model_from_config(config, custom_objects=None, safe_mode=True):
    if isinstance(config, dict) and "class_name" not in config and "layers" in config:
        config = {"class_name": "Sequential", "config": config}
    return model_config.model_from_config(config, "<config>", _with_scope(custom_objects), safe_mode)


def _with_scope(custom_objects):
    from tkeras.saving.object_scope import active_custom_objects
    merged = dict(active_custom_objects())
    merged.update(custom_objects or {})
    return merged or None
