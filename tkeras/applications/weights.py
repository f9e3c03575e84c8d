"""Where a pretrained application's weights file comes from, and how it gets into the model.

Keras' published ImageNet weights are large files behind Google URLs; most training machines are
offline or already hold them in Keras' cache. So a weights file is looked up, in order, in every
folder of `$TKERAS_MODELS` (separated by `os.pathsep`), `~/.tkeras/models` and `~/.keras/models`,
and downloaded (into `~/.tkeras/models`) only when none of them holds a copy. A copy whose hash
differs from the published one is ignored with a warning (a truncated download must not load as
garbage weights), as Keras ignores it and downloads again.

Pure Python until a model is loaded: importing this module does not import torch.
"""
import os
import urllib.error
import warnings

from tkeras.utils import file_utils

MODELS_ENV = "TKERAS_MODELS"
IMAGENET = "imagenet"


class WeightsFileNotFoundError(FileNotFoundError):
    """Raised when a weights file is neither cached nor downloadable; the message says where to put it."""


def model_folders():
    """The folders looked in, in order, for a pretrained weights file."""
    folders = [os.path.expanduser(folder.strip())
               for folder in os.environ.get(MODELS_ENV, "").split(os.pathsep) if folder.strip()]
    folders.append(os.path.join(file_utils.tkeras_home(), "models"))
    folders.append(os.path.join(os.path.expanduser("~"), ".keras", "models"))
    return [os.path.normpath(folder) for folder in folders]


def hash_algorithm(file_hash):
    """Keras' rule: a 64-hex-digit hash is sha256, anything else (the published 32-digit ones) md5."""
    return "sha256" if len(str(file_hash)) == 64 else "md5"


def get_weights_path(fname, origin, file_hash=None):
    """Local path of the weights file `fname`: a cached copy, or a fresh download from `origin`."""
    rejected = []
    for folder in model_folders():
        candidate = os.path.join(folder, fname)
        if not os.path.isfile(candidate):
            continue
        if file_hash is None or file_utils.validate_file(candidate, file_hash, hash_algorithm(file_hash)):
            return candidate
        digest = file_utils.file_digest(candidate, hash_algorithm(file_hash))
        rejected.append(f"{candidate} ({hash_algorithm(file_hash)} {digest}, expected {file_hash})")
        warnings.warn(f"{candidate}: its {hash_algorithm(file_hash)} is {digest}, expected {file_hash} "
                      f"(an incomplete or different file); it is ignored.", stacklevel=2)
    target = os.path.join(file_utils.tkeras_home(), "models", fname)
    try:
        file_utils.download(origin, target, file_hash=file_hash,
                            hash_algorithm=hash_algorithm(file_hash) if file_hash else "auto")
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise WeightsFileNotFoundError(_not_found_message(fname, origin, error, rejected)) from error
    return target


def _not_found_message(fname, origin, error, rejected):
    folders = model_folders()
    looked = "\n  ".join(folders)
    bad = "".join(f"\nIgnored (wrong hash): {entry}" for entry in rejected)
    return (f"Weights file {fname!r} is not cached and downloading it from {origin} failed ({error}).\n"
            f"Looked in:\n  {looked}{bad}\n"
            f"Download {origin} on a machine with internet access and put {fname!r} in one of these "
            f"folders (e.g. {folders[0]}), or point ${MODELS_ENV} at a folder that holds it.")


def check_weights_argument(weights):
    """Keras' first check in every constructor: None, 'imagenet' or an existing file."""
    if weights is None or (isinstance(weights, str) and weights == IMAGENET):
        return
    if isinstance(weights, (str, os.PathLike)) and os.path.exists(weights):
        return
    raise ValueError("The `weights` argument should be either `None` (random initialization), 'imagenet' "
                     "(pre-training on ImageNet), or the path to the weights file to be loaded.  "
                     f"Received: weights={weights}")


def load_application_weights(model, weights, *, fname, origin, file_hash):
    """Load `weights` into a freshly built application `model`.

    None leaves the initializers' values; "imagenet" fetches Keras' published file (`fname` from
    `origin`, checked against `file_hash`); anything else is a path to a weights file. Keras 2
    `.h5` files (the published ones) are matched by layer name, which is what the layer names of
    the applications are kept identical to Keras' for; a Keras 3 `.weights.h5` or `.keras` file is
    matched by structure, as Keras 3 does.
    """
    if weights is None:
        return model
    if isinstance(weights, str) and weights == IMAGENET:
        path = get_weights_path(fname, origin, file_hash)
    else:
        path = os.fspath(weights)
        if not os.path.isfile(path):
            raise WeightsFileNotFoundError(f"{model.name}: the weights file {path!r} does not exist")
    file_layers = _keras2_layer_names(path)
    if file_layers is None:
        model.load_weights(path)
        return model
    # By name, a layer the file lacks would silently keep its random values: refuse that instead.
    missing = [layer.name for layer in model.layers if layer.weights and layer.name not in file_layers]
    if missing:
        shown = ", ".join(repr(name) for name in missing[:8]) + (" ..." if len(missing) > 8 else "")
        raise ValueError(f"{model.name}: the weights file {path} holds no weights for {len(missing)} of the "
                         f"model's layers ({shown}); it was made for another architecture or other "
                         f"arguments (include_top, alpha, ...).")
    model.load_weights(path, by_name=True)
    return model


def _keras2_layer_names(path):
    """The layer names a Keras 2 `.h5` weights file holds, or None for any other file."""
    import h5py
    from tkeras.saving import h5_guard
    if not h5py.is_hdf5(path):
        return None
    with h5py.File(path, "r") as h5:
        # Through h5_guard, as every load: a link to another file is refused, not followed.
        nested = h5_guard.get_group(h5, "model_weights", path) if "layer_names" not in h5.attrs else None
        group = nested if nested is not None else h5
        if "layer_names" not in group.attrs:
            return None
        return {name.decode("utf8") if isinstance(name, bytes) else str(name)
                for name in group.attrs["layer_names"]}
