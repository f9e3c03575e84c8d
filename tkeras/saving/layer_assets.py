"""A user layer's own `save_assets(dir_path)` / `load_assets(dir_path)` files in a `.keras` archive.

Keras lets any layer keep state outside its variables by writing files into a folder it is given;
the archive holds them as `assets/<the layer's object path>/<relative file path>`. tkeras does the
same with a private temporary folder per layer on both sides: on save the folder's files become zip
members; on load only the members under that layer's own path are written back into a fresh folder
(after checking every relative path stays inside it, and the total size), and the layer reads them
from there. The vocabulary layers keep their own in-memory route (keras_file).
"""
import os
import posixpath
import tempfile

from tkeras.saving import keras_layout
from tkeras.saving.errors import CorruptFileError

ASSETS_DIR = "assets"


def user_asset_holders(model):
    """(layer, object path) for each layer with save_assets/load_assets of its own."""
    for entry in keras_layout.model_entries(model):
        layer = entry.obj
        if layer is None or hasattr(layer, "_asset_files"):  # vocabulary layers: keras_file's route
            continue
        if callable(getattr(layer, "save_assets", None)) or callable(getattr(layer, "load_assets", None)):
            yield layer, entry.path


def _prefix(path):
    return "/".join(part for part in (ASSETS_DIR, path) if part) + "/"


def write_user_assets(model):
    """{zip member: bytes} of every file the layers' `save_assets` wrote."""
    members = {}
    for layer, path in user_asset_holders(model):
        if not callable(getattr(layer, "save_assets", None)):
            continue
        with tempfile.TemporaryDirectory(prefix="tkeras-assets-") as folder:
            layer.save_assets(folder)
            for root, _, files in os.walk(folder):
                for name in sorted(files):
                    full = os.path.join(root, name)
                    relative = os.path.relpath(full, folder).replace(os.sep, "/")
                    with open(full, "rb") as handle:
                        members[_prefix(path) + relative] = handle.read()
    return members


def _safe_relative(member, prefix, filepath):
    relative = member[len(prefix):]
    normal = posixpath.normpath(relative)
    if not relative or relative.endswith("/") or normal.startswith("../") or normal == ".." or \
            posixpath.isabs(relative) or "\\" in relative or ":" in relative.split("/")[0]:
        raise CorruptFileError(f"{filepath}: the asset member {member!r} does not name a file inside its "
                               f"layer's folder (refusing to write it)")
    return normal


def load_user_assets(model, assets, filepath):
    """Hand each layer with `load_assets` a folder holding the archive's files for its path."""
    for layer, path in user_asset_holders(model):
        if not callable(getattr(layer, "load_assets", None)):
            continue
        prefix = _prefix(path)
        mine = {member: data for member, data in assets.items() if member.startswith(prefix)}
        with tempfile.TemporaryDirectory(prefix="tkeras-assets-") as folder:
            for member, data in mine.items():
                target = os.path.join(folder, *_safe_relative(member, prefix, filepath).split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as handle:
                    handle.write(data)
            layer.load_assets(folder)
