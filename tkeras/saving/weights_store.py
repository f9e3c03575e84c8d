"""Reading and writing variables in an open HDF5 file, in the Keras 3 layout (`keras_layout`).

Every read is checked before anything is assigned: the group exists, holds datasets named `0..n-1`,
of numeric type and of the variable's shape. A problem raises WeightMismatchError naming the file,
the layer and the weight, or, with `skip_mismatch=True`, skips that object with a warning as Keras
does. Assignment happens only after the whole layer checked out, so a failed load never leaves a
layer half-updated.
"""
import warnings

import h5py
import numpy as np
import torch

from tkeras.saving import keras_layout
from tkeras.saving.errors import CorruptFileError, WeightMismatchError


def write_model(h5, model, include_optimizer=True):
    for entry in keras_layout.model_entries(model):
        _write_group(h5, entry.path, entry.name, entry.variables)
    optimizer = getattr(model, "optimizer", None)
    if include_optimizer and optimizer is not None and not isinstance(optimizer, str):
        variables = keras_layout.optimizer_variables(optimizer)
        if variables:
            _write_group(h5, "optimizer", getattr(optimizer, "name", "optimizer"), variables)


def _write_group(h5, path, name, variables):
    group = h5.require_group(f"{path}/vars" if path else "vars")
    group.attrs["name"] = str(name)
    for index, variable in enumerate(variables):
        group.create_dataset(str(index), data=_to_numpy(variable))


def _to_numpy(variable):
    if isinstance(variable, torch.Tensor):
        return variable.detach().cpu().numpy()
    return np.asarray(variable)


def read_model(h5, model, filepath, skip_mismatch=False, load_optimizer=True):
    """Assign every variable of `model` from `h5` (already open), then the optimizer's state."""
    pending = []
    for entry in keras_layout.model_entries(model):
        if not entry.variables:
            continue
        arrays = _read_group(h5, entry, filepath, skip_mismatch)
        if arrays is not None:
            pending.append((entry.variables, arrays))
    _assign(pending)
    if load_optimizer and "optimizer" in h5:
        read_optimizer(h5["optimizer"], model, filepath)


def _read_group(h5, entry, filepath, skip_mismatch):
    where = f"{entry.path}/vars" if entry.path else "vars"
    layer = entry.layer_name or entry.name
    try:
        group = h5[where] if where in h5 else None
    except (KeyError, ValueError, OSError, RuntimeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read {where!r} (layer {layer!r}): {exc}") from exc
    problem = None
    if not isinstance(group, h5py.Group):
        problem = f"has no weights for layer {layer!r} (expected them at {where!r})"
        arrays = None
    else:
        arrays, problem = _checked_arrays(group, entry.variables, filepath, where)
    if problem is None:
        return arrays
    message = (f"{filepath}: {problem}. The model expects {len(entry.variables)} weight(s) with shapes "
               f"{[tuple(v.shape) for v in entry.variables]} for layer {layer!r}.")
    if skip_mismatch:
        warnings.warn(f"Skipping layer {layer!r}: {message}", stacklevel=4)
        return None
    raise WeightMismatchError(message)


def _checked_arrays(group, variables, filepath, where):
    try:
        names = [k for k in group.keys()]
    except (KeyError, ValueError, OSError, RuntimeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot list {where!r}: {exc}") from exc
    if len(names) != len(variables):
        return None, f"holds {len(names)} weight(s) at {where!r}"
    arrays = []
    for index, variable in enumerate(variables):
        array = read_dataset(group, str(index), filepath, f"{where}/{index}")
        if array is None:
            return None, f"has no dataset {where}/{index}"
        if tuple(array.shape) != tuple(variable.shape):
            return None, (f"weight {where}/{index} ({getattr(variable, 'name', '?')}) has shape "
                          f"{tuple(array.shape)}, the model's has {tuple(variable.shape)}")
        arrays.append(array)
    return arrays, None


def read_dataset(group, key, filepath, where):
    """A numeric array from `group[key]`, or None if there is no such dataset; corrupt data raises."""
    try:
        if key not in group:
            return None
        dataset = group[key]
        if not isinstance(dataset, h5py.Dataset):
            return None
        if dataset.dtype.kind not in "biuf":
            raise CorruptFileError(f"{filepath}: {where!r} holds {dataset.dtype} data, not numbers")
        return np.asarray(dataset[()])
    except CorruptFileError:
        raise
    except (KeyError, ValueError, OSError, RuntimeError, TypeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read {where!r}: {exc}") from exc


def _assign(pending):
    with torch.no_grad():
        for variables, arrays in pending:
            for variable, array in zip(variables, arrays):
                variable.copy_(torch.as_tensor(array).to(dtype=variable.dtype, device=variable.device))


def read_optimizer(group, model, filepath):
    """Restore the optimizer's state if it has one that fits; otherwise warn, as Keras does."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or isinstance(optimizer, str) or "vars" not in group:
        return
    vars_group = group["vars"]
    try:
        count = len(vars_group.keys())
    except (OSError, RuntimeError, ValueError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read the optimizer state: {exc}") from exc
    arrays = [read_dataset(vars_group, str(i), filepath, f"optimizer/vars/{i}") for i in range(count)]
    if any(a is None for a in arrays):
        raise CorruptFileError(f"{filepath}: the optimizer state is missing entries")
    set_optimizer_state(model, arrays, filepath)


def set_optimizer_state(model, arrays, filepath):
    optimizer = model.optimizer
    variables = keras_layout.optimizer_variables(optimizer)
    if not getattr(optimizer, "built", True) and len(arrays) > len(variables) and hasattr(optimizer, "build"):
        optimizer.build(model.trainable_weights)
        variables = keras_layout.optimizer_variables(optimizer)
    alignment = _align(variables, arrays)
    if alignment is None:
        warnings.warn(
            f"{filepath}: skipping the optimizer state ({len(arrays)} arrays) because it does not fit "
            f"this optimizer ({len(variables)} variables); training resumes with a fresh optimizer.",
            stacklevel=3)
        return
    _assign([(variables, alignment)])


def _align(variables, arrays):
    """Match saved arrays to the optimizer's variables; files with and without a stored learning
    rate (Keras 3 keeps it as variable 1) both fit."""
    shapes = [tuple(v.shape) for v in variables]
    candidates = [arrays]
    if len(arrays) == len(variables) + 1 and len(arrays) >= 2:
        candidates.append([arrays[0]] + arrays[2:])
    for candidate in candidates:
        if len(candidate) == len(variables) and all(
                tuple(a.shape) == s for a, s in zip(candidate, shapes)):
            return candidate
    return None
