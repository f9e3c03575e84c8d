"""The `.keras` format: an uncompressed zip of `metadata.json`, `config.json`, `model.weights.h5`.

The same three members, config spelling and weights layout as Keras 3 writes, so files cross in both
directions. Reading checks the archive before trusting it: members must be present and of sane size
(no zip bombs), the JSON must parse, and the weights file is opened from memory by h5py; nothing is
extracted to disk and nothing unpickles.
"""
import datetime
import io
import json
import os
import zipfile

import h5py

from tkeras.saving import model_config, weights_store
from tkeras.saving._atomic import atomic_path
from tkeras.saving.errors import CorruptFileError, SavingError

KERAS_VERSION = "3.15.1"  # the Keras whose format this writes (what `metadata.json` reports)
_MEMBERS = ("metadata.json", "config.json", "model.weights.h5")
_MAX_JSON_BYTES = 64 * 2 ** 20
_MAX_WEIGHTS_BYTES = 16 * 2 ** 30
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def save_model(model, filepath, include_optimizer=True):
    config = model_config.model_config(model)
    compile_config = model_config.compile_config(model) if include_optimizer else None
    if compile_config is not None:
        config["compile_config"] = compile_config
    metadata = {"keras_version": KERAS_VERSION,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as h5:
        weights_store.write_model(h5, model, include_optimizer=include_optimizer)
    with atomic_path(filepath) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(zipfile.ZipInfo("metadata.json", _ZIP_EPOCH), json.dumps(metadata))
            archive.writestr(zipfile.ZipInfo("config.json", _ZIP_EPOCH), json.dumps(config))
            archive.writestr(zipfile.ZipInfo("model.weights.h5", _ZIP_EPOCH), weights.getvalue())


def read_archive(filepath):
    """(config dict, weights bytes) from a `.keras` file, after checking its structure."""
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
            config_bytes = archive.read("config.json")
            weights = archive.read("model.weights.h5")
    except SavingError:
        raise
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"No file or directory found at {filepath}") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError, OverflowError) as exc:
        raise CorruptFileError(f"{filepath}: not a readable .keras archive (truncated or corrupt): {exc}") from exc
    return parse_json(config_bytes, filepath, "config.json"), weights


def parse_json(raw, filepath, what):
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError, ValueError) as exc:
        raise CorruptFileError(f"{filepath}: {what} is not valid JSON: {exc}") from exc


def open_h5_bytes(data, filepath):
    try:
        return h5py.File(io.BytesIO(data), "r")
    except (OSError, ValueError, RuntimeError) as exc:
        raise CorruptFileError(f"{filepath}: model.weights.h5 is not a readable HDF5 file: {exc}") from exc


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    config, weights = read_archive(filepath)
    if not isinstance(config, dict):
        raise CorruptFileError(f"{filepath}: config.json holds a {type(config).__name__}, not a model config")
    model = model_config.model_from_config(config, filepath, custom_objects, safe_mode)
    # Keras writes `"compile_config": {}` for a model that was never compiled: nothing to compile then.
    if compile and isinstance(config.get("compile_config"), dict) and config["compile_config"]:
        model_config.compile_from_config(model, config["compile_config"], filepath, custom_objects)
    with open_h5_bytes(weights, filepath) as h5:
        _guard(lambda: weights_store.read_model(h5, model, filepath, load_optimizer=compile), filepath)
    return model


def _guard(action, filepath):
    """h5py raises a zoo of exceptions on damaged files; all of them mean 'corrupt file' here."""
    try:
        return action()
    except SavingError:
        raise
    except (OSError, KeyError, ValueError, RuntimeError, TypeError, IndexError) as exc:
        raise CorruptFileError(f"{filepath}: damaged weights data: {exc}") from exc


def is_keras_zip(filepath):
    try:
        return os.path.isfile(filepath) and zipfile.is_zipfile(filepath)
    except OSError:
        return False
