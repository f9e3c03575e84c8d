"""The `.keras` format: an uncompressed zip of `metadata.json`, `config.json`, `model.weights.h5`,
and `assets/` files for the layers that keep state outside variables.

The same members, config spelling and weights layout as Keras 3 writes, so files cross in both
directions. Reading checks the archive before trusting it: members must be present and of sane size
(no zip bombs), the JSON must parse, and the weights file is opened from memory by h5py; nothing is
extracted to disk and nothing unpickles.

Assets: Keras' saver visits every object at the same path as in the weights file and lets it write
files into `assets/<that path>/`; the lookup layers and TextVectorization keep an adapted vocabulary
there (`vocabulary.txt`) instead of in their config. The loader reads those members straight from the
zip (by the exact names the model's layout predicts, so no member name can point anywhere else) and
hands them to the layer; a layer whose config says its vocabulary is in the assets, in a file that
lacks them, is an error naming the layer rather than a silently empty vocabulary.
"""
import datetime
import io
import json
import os
import zipfile

import h5py

from tkeras.layers.preprocessing._vocabulary_assets import VOCABULARY_ASSET
from tkeras.saving import h5_guard, keras_layout, layer_assets, model_config, weights_store
from tkeras.saving._atomic import atomic_path
from tkeras.saving.errors import CorruptFileError, FileLimitError, SavingError
from tkeras.saving.object_scope import CustomObjectScope

KERAS_VERSION = "3.15.1"  # the Keras whose format this writes (what `metadata.json` reports)
_MEMBERS = ("metadata.json", "config.json", "model.weights.h5")
_MAX_JSON_BYTES = 64 * 2 ** 20
_MAX_WEIGHTS_BYTES = 16 * 2 ** 30
_MAX_ASSET_BYTES = 2 ** 30  # all the asset files tkeras reads from one archive, together
_ASSETS_DIR = "assets"
_ASSET_FILE = VOCABULARY_ASSET  # the only asset file tkeras' layers read
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def save_model(model, filepath, include_optimizer=True):
    from tkeras.saving.legacy_h5 import hard_sigmoid_eras, warn_keras2_hard_sigmoid_lost
    if hard_sigmoid_eras(model)[0]:
        warn_keras2_hard_sigmoid_lost(model, "a .keras file", "it names no release")
    config = model_config.model_config(model)
    # A model's own get_compile_config (Keras' hook) is already in its config; otherwise the standard one.
    own_compile_config = config.pop("compile_config", None) if hasattr(model, "get_compile_config") else None
    compile_config = (own_compile_config or model_config.compile_config(model)) if include_optimizer else None
    if compile_config is not None:
        config["compile_config"] = compile_config
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        weights_store.write_model(h5, model, include_optimizer=include_optimizer)
        assets = _write_layer_state(h5, model)
    assets.update(layer_assets.write_user_assets(model))
    with atomic_path(filepath) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(zipfile.ZipInfo("metadata.json", _ZIP_EPOCH), json.dumps(metadata))
            archive.writestr(zipfile.ZipInfo("config.json", _ZIP_EPOCH), json.dumps(config))
            archive.writestr(zipfile.ZipInfo("model.weights.h5", _ZIP_EPOCH), weights.getvalue())
            for name, data in assets.items():
                archive.writestr(zipfile.ZipInfo(name, _ZIP_EPOCH), data)


def _state_holders(model):
    """(layer, path) for each layer with Keras assets, at its Keras object path (see keras_layout)."""
    for entry in keras_layout.model_entries(model):
        if entry.obj is not None and hasattr(entry.obj, "_asset_files") and hasattr(entry.obj, "_load_asset_files"):
            yield entry.obj, entry.path


def _join(*parts):
    return "/".join(part for part in parts if part)


def _write_layer_state(h5, model):
    """Write what Keras keeps outside the variables list: the vocabulary assets (returned as {zip member
    name: bytes}) and, in tf_idf mode, the `idf_weights` variable (written into `h5`). Keras writes both
    at every path listed in the layer's `_KERAS_STATE_PATHS` (for TextVectorization, its own and its
    inner lookup layer's); tkeras' loader only needs the config, Keras' needs these."""
    members = {}
    for layer, path in _state_holders(model):
        files = layer._asset_files()
        idf = layer._keras_idf_weights()
        for sub in layer._KERAS_STATE_PATHS:
            where = _join(path, sub)
            for name, data in files.items():
                members[_join(_ASSETS_DIR, where, name)] = data
            if idf is not None:
                group = h5.require_group(_join(where, "vars"))
                if "idf_weights" not in group:
                    group.create_dataset("idf_weights", data=idf)
    return members


def _load_layer_state(model, assets, h5, filepath):
    """Give each lookup/TextVectorization layer the assets a Keras file holds for it (see the module
    docstring); `assets` maps zip member names to bytes."""
    for layer, path in _state_holders(model):
        found = None
        for sub in layer._KERAS_STATE_PATHS:
            where = _join(path, sub)
            member = _join(_ASSETS_DIR, where, _ASSET_FILE)
            if member in assets:
                found = where, member
                break
        if found is None:
            if layer._needs_keras_assets():
                raise CorruptFileError(
                    f"{filepath}: layer {layer.name!r} ({type(layer).__name__}) was adapted and saved without "
                    f"its vocabulary in the config (vocabulary_size={layer._config_vocabulary_size}), but the "
                    f"archive has no {_join(_ASSETS_DIR, path, _ASSET_FILE)} to read it from; the file is "
                    f"incomplete (refusing to load the layer with an empty vocabulary)")
            continue
        where, member = found
        idf = None
        if getattr(layer, "output_mode", None) == "tf_idf":
            for sub in (where,) + tuple(_join(path, s) for s in layer._KERAS_STATE_PATHS):
                group_path = _join(sub, "vars")
                group = h5_guard.get_group(h5, group_path, filepath)
                if group is not None:
                    idf = weights_store.read_dataset(group, "idf_weights", filepath, f"{group_path}/idf_weights")
                if idf is not None:
                    break
        try:
            layer._load_asset_files({_ASSET_FILE: assets[member]}, idf)
        except (ValueError, TypeError) as exc:
            raise CorruptFileError(f"{filepath}: layer {layer.name!r} ({type(layer).__name__}): cannot use the "
                                   f"vocabulary in {member}: {exc}") from exc


def read_archive(filepath):
    """(config dict, weights bytes) from a `.keras` file, after checking its structure."""
    config, weights, _ = _read_archive(filepath, with_assets=False)
    return config, weights


def _read_archive(filepath, with_assets):
    """(config, weights bytes, {asset member: bytes}): with `with_assets`, every file member under
    `assets/` is read (within `_MAX_ASSET_BYTES` in all); the loaders pick them by exact path."""
    assets = {}
    try:
        with zipfile.ZipFile(filepath, "r") as archive:
            infos = {info.filename: info for info in archive.infolist()}
            missing = [m for m in ("config.json", "model.weights.h5") if m not in infos]
            if missing:
                raise CorruptFileError(f"{filepath}: not a Keras model archive: it has no {missing} "
                                       f"(members: {sorted(infos)[:10]})")
            if infos["config.json"].file_size > _MAX_JSON_BYTES:
                raise CorruptFileError(f"{filepath}: config.json is implausibly large "
                                       f"({infos['config.json'].file_size} bytes)")
            if infos["model.weights.h5"].file_size > _MAX_WEIGHTS_BYTES:
                raise CorruptFileError(f"{filepath}: model.weights.h5 is implausibly large")
            if with_assets:
                wanted = [info for name, info in infos.items()
                          if name.startswith(_ASSETS_DIR + "/") and not info.is_dir()]
                total = sum(info.file_size for info in wanted)
                if total > _MAX_ASSET_BYTES:
                    raise CorruptFileError(f"{filepath}: the assets are implausibly large "
                                           f"({total} bytes)")
                for info in wanted:
                    # A zip entry never yields more than its declared size, so the check above holds.
                    assets[info.filename] = archive.read(info)
            config_bytes = archive.read("config.json")
            weights = archive.read("model.weights.h5")
    except SavingError:
        raise
    except MemoryError as exc:
        raise FileLimitError(f"{filepath}: reading the archive ran out of memory (rule: memory)") from exc
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"No file or directory found at {filepath}") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError, OverflowError) as exc:
        raise CorruptFileError(f"{filepath}: not a readable .keras archive (truncated or corrupt): {exc}") from exc
    return parse_json(config_bytes, filepath, "config.json"), weights, assets


def parse_json(raw, filepath, what):
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except RecursionError as exc:
        raise FileLimitError(f"{filepath}: {what} is nested too deeply to parse (rule: nesting)") from exc
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise CorruptFileError(f"{filepath}: {what} is not valid JSON: {exc}") from exc


def open_h5_bytes(data, filepath):
    try:
        return h5py.File(io.BytesIO(data), "r")
    except (OSError, ValueError, RuntimeError) as exc:
        raise CorruptFileError(f"{filepath}: model.weights.h5 is not a readable HDF5 file: {exc}") from exc


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    config, weights, assets = _read_archive(filepath, with_assets=True)
    if not isinstance(config, dict):
        raise CorruptFileError(f"{filepath}: config.json holds a {type(config).__name__}, not a model config")
    # The whole config, compile_config included, passes the safe-mode checks before anything is built;
    # the compile config is then applied below, once, and only if asked.
    model_config.check_config(config, filepath, custom_objects, safe_mode)
    compile_config = config.pop("compile_config", None)
    model = model_config.model_from_config(config, filepath, custom_objects, safe_mode)
    # Keras writes `"compile_config": {}` for a model that was never compiled: nothing to compile then.
    if compile and isinstance(compile_config, dict) and compile_config:
        hook = model_config.users_compile_hook(model)
        if hook is not None:
            # The user's compile_from_config deserializes its own entries, with no custom_objects
            # argument: as in Keras, those given to load_model are in scope while it runs.
            with CustomObjectScope(custom_objects):
                hook(compile_config)
        else:
            model_config.compile_from_config(model, compile_config, filepath, custom_objects)
    with open_h5_bytes(weights, filepath) as h5:
        _guard(lambda: _load_layer_state(model, assets, h5, filepath), filepath)
        _guard(lambda: weights_store.read_model(h5, model, filepath, load_optimizer=compile), filepath)
    layer_assets.load_user_assets(model, assets, filepath)
    return model


def _guard(action, filepath):
    """h5py raises a zoo of exceptions on damaged files; all of them mean 'corrupt file' here."""
    try:
        return action()
    except SavingError:
        raise
    except MemoryError as exc:
        raise FileLimitError(f"{filepath}: loading the weights ran out of memory (rule: memory)") from exc
    except (OSError, KeyError, ValueError, RuntimeError, TypeError, IndexError) as exc:
        raise CorruptFileError(f"{filepath}: damaged weights data: {exc}") from exc


def is_keras_zip(filepath):
    try:
        return os.path.isfile(filepath) and zipfile.is_zipfile(filepath)
    except OSError:
        return False
