"""Reading and writing variables in an open HDF5 file, in the Keras 3 layout (`keras_layout`).

Every read is checked before anything is assigned: the group exists, holds datasets named `0..n-1`,
of numeric type and of the variable's shape. A problem raises WeightMismatchError naming the file,
the layer and the weight, or, with `skip_mismatch=True`, skips that object with a warning as Keras
does. Assignment happens only after the whole layer checked out, so a failed load never leaves a
layer half-updated.
"""
import warnings

import numpy as np
import torch

from tkeras.saving import h5_guard, keras22_optimizer_state, keras_layout, tf_keras2_optimizer_state
from tkeras.saving.errors import CorruptFileError, WeightMismatchError


def write_model(h5, model, include_optimizer=True):
    for entry in keras_layout.model_entries(model):
        if _stores_itself(entry):
            _write_named_group(h5, entry)
            continue
        _write_group(h5, entry.path, entry.name, entry.variables)
    if not include_optimizer:
        return
    for path, inner_model in _nested_compiled_models(model):
        _write_optimizer(h5, f"{path}/optimizer", _usable_optimizer(inner_model))
    _write_optimizer(h5, "optimizer", _usable_optimizer(model))


def _usable_optimizer(model):
    optimizer = getattr(model, "optimizer", None)
    return None if isinstance(optimizer, str) else optimizer


def _nested_compiled_models(model):
    """(path, model) of every model inside `model` that was compiled itself (a pretrained classifier
    reused as a layer): Keras 3 keeps such an optimizer's state in the file, under the inner model's
    path, so a fine-tuned inner model can go on training where it stopped."""
    from tkeras.models.model import Model
    top = _usable_optimizer(model)
    found = []
    for entry in keras_layout.model_entries(model):
        if entry.obj is model or not isinstance(entry.obj, Model):
            continue
        optimizer = _usable_optimizer(entry.obj)
        if optimizer is not None and optimizer is not top:
            found.append((entry.path, entry.obj))
    return found


def _write_optimizer(h5, path, optimizer):
    if optimizer is None:
        return
    variables = keras_layout.optimizer_variables(optimizer)
    if variables:
        _write_group(h5, path, getattr(optimizer, "name", "optimizer"), variables)
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is not None:
        # Keras 3 writes a LossScaleOptimizer's inner optimizer a second time, as its own entry,
        # and warns when that entry is missing.
        _write_group(h5, f"{path}/inner_optimizer", getattr(inner, "name", "optimizer"),
                     keras_layout.optimizer_variables(inner))


def _write_group(h5, path, name, variables):
    group = h5.require_group(f"{path}/vars" if path else "vars")
    group.attrs["name"] = str(name)
    for index, variable in enumerate(variables):
        group.create_dataset(str(index), data=_to_numpy(variable))


def _stores_itself(entry):
    """A layer that overrides Keras' `save_own_variables`/`load_own_variables` (TorchModuleWrapper, a
    user's layer) chooses its own dataset names, as in Keras; the base hooks write "0", "1", ... as the
    generic path does."""
    from tkeras.layers.layer import Layer
    from tkeras.layers.layer_own_variables import overrides_own_variables
    return isinstance(entry.obj, Layer) and overrides_own_variables(entry.obj)


def _own_store(entry):
    store = {}
    entry.obj.save_own_variables(store)
    return store


def _write_named_group(h5, entry):
    group = h5.require_group(f"{entry.path}/vars" if entry.path else "vars")
    group.attrs["name"] = str(entry.name)
    for key, value in _own_store(entry).items():
        group.create_dataset(str(key), data=_to_numpy(value))


def _read_named_group(h5, entry, filepath, skip_mismatch):
    """The layer's stored arrays by name, checked against the names and shapes it writes itself
    before anything is read (so the file cannot make the load read more than the layer holds)."""
    where = f"{entry.path}/vars" if entry.path else "vars"
    expected = {key: tuple(np.shape(value)) for key, value in _own_store(entry).items()}
    group = h5_guard.get_group(h5, where, filepath)
    problem = None
    if group is None:
        problem = f"has no weights for layer {entry.name!r} (expected them at {where!r})"
    else:
        try:
            names = sorted(group.keys())
        except (KeyError, ValueError, OSError, RuntimeError) as exc:
            raise CorruptFileError(f"{filepath}: cannot list {where!r}: {exc}") from exc
        if names != sorted(expected):
            problem = f"holds the weights {names} at {where!r}, the layer has {sorted(expected)}"
        else:
            datasets = {key: h5_guard.get_dataset(group, key, filepath) for key in names}
            for key, dataset in datasets.items():
                if dataset is None or h5_guard.shape(dataset) != expected[key]:
                    problem = f"weight {where}/{key} is missing or not of shape {expected[key]}"
                    break
            else:
                return {key: h5_guard.read(d, filepath, f"{where}/{key}") for key, d in datasets.items()}
    message = f"{filepath}: {problem}."
    if skip_mismatch:
        warnings.warn(f"Skipping layer {entry.name!r}: {message}", stacklevel=4)
        return None
    raise WeightMismatchError(message)


def _to_numpy(variable):
    if isinstance(variable, torch.Tensor):
        return variable.detach().cpu().numpy()
    return np.asarray(variable)


def read_model(h5, model, filepath, skip_mismatch=False, load_optimizer=True, missing_ok=False):
    """Assign every variable of `model` from `h5` (already open), then the optimizer's state.

    With `missing_ok` (a TensorFlow-checkpoint-style path, restored as leniently as tf-keras 2 restored
    a checkpoint) a layer the file holds nothing for keeps its weights; the names of those layers are
    returned. Anything else that does not match still raises (or is skipped with `skip_mismatch`)."""
    pending, named, unmatched = [], [], []
    for entry in keras_layout.model_entries(model):
        if missing_ok and (entry.variables or _stores_itself(entry)) and h5_guard.get_group(
                h5, f"{entry.path}/vars" if entry.path else "vars", filepath) is None:
            unmatched.append(entry.layer_name or entry.name)
            continue
        if _stores_itself(entry):
            arrays = _read_named_group(h5, entry, filepath, skip_mismatch)
            if arrays is not None:
                named.append((entry.obj, arrays))
            continue
        if not entry.variables:
            continue
        arrays = _read_group(h5, entry, filepath, skip_mismatch)
        if arrays is not None:
            pending.append((entry.variables, arrays))
    _assign(pending)
    for layer, arrays in named:
        layer.load_own_variables(arrays)
    if load_optimizer:
        for path, inner_model in _nested_compiled_models(model):
            _read_optimizer_at(h5, f"{path}/optimizer", inner_model, filepath)
        _read_optimizer_at(h5, "optimizer", model, filepath)
    return unmatched


def _read_optimizer_at(h5, path, model, filepath):
    group = h5_guard.get_group(h5, path, filepath)
    if group is not None:
        read_optimizer(group, model, filepath, where=path)


def _read_group(h5, entry, filepath, skip_mismatch):
    where = f"{entry.path}/vars" if entry.path else "vars"
    layer = entry.layer_name or entry.name
    group = h5_guard.get_group(h5, where, filepath)
    if group is None:
        problem = f"has no weights for layer {layer!r} (expected them at {where!r})"
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
    """The layer's arrays, or (None, problem). Every shape is checked against the model's before any
    data is read, so a file cannot make the load allocate more than the model itself holds."""
    try:
        names = [k for k in group.keys()]
    except (KeyError, ValueError, OSError, RuntimeError) as exc:
        raise CorruptFileError(f"{filepath}: cannot list {where!r}: {exc}") from exc
    if len(names) != len(variables):
        return None, f"holds {len(names)} weight(s) at {where!r}"
    datasets = []
    for index, variable in enumerate(variables):
        dataset = h5_guard.get_dataset(group, str(index), filepath)
        if dataset is None:
            return None, f"has no dataset {where}/{index}"
        if h5_guard.shape(dataset) != tuple(variable.shape):
            return None, (f"weight {where}/{index} ({getattr(variable, 'name', '?')}) has shape "
                          f"{h5_guard.shape(dataset)}, the model's has {tuple(variable.shape)}")
        datasets.append(dataset)
    return [h5_guard.read(d, filepath, f"{where}/{i}") for i, d in enumerate(datasets)], None


def read_dataset(group, key, filepath, where):
    """A numeric array from `group[key]`, or None if there is no such dataset; corrupt or refused data
    raises (see h5_guard)."""
    dataset = h5_guard.get_dataset(group, key, filepath)
    return None if dataset is None else h5_guard.read(dataset, filepath, where)


def _assign(pending):
    with torch.no_grad():
        for variables, arrays in pending:
            for variable, array in zip(variables, arrays):
                variable.copy_(torch.as_tensor(array).to(dtype=variable.dtype, device=variable.device))


def read_optimizer(group, model, filepath, where="optimizer"):
    """Restore the optimizer's state if it has one that fits; otherwise warn, as Keras does."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or isinstance(optimizer, str):
        return
    vars_group = h5_guard.get_group(group, "vars", filepath)
    if vars_group is None:
        return
    try:
        count = len(vars_group.keys())
    except (OSError, RuntimeError, ValueError) as exc:
        raise CorruptFileError(f"{filepath}: cannot read the optimizer state: {exc}") from exc
    datasets = [h5_guard.get_dataset(vars_group, str(i), filepath) for i in range(count)]
    if any(d is None for d in datasets):
        raise CorruptFileError(f"{filepath}: the optimizer state is missing entries")
    set_optimizer_state(model, datasets, filepath, [f"{where}/vars/{i}" for i in range(count)])


def set_optimizer_state(model, datasets, filepath, names):
    """`datasets`: the stored state (h5py datasets, checked by h5_guard), matched to the optimizer's
    variables by shape before any of them is read."""
    optimizer = model.optimizer
    variables = keras_layout.optimizer_variables(optimizer)
    if not getattr(optimizer, "built", True) and len(datasets) > len(variables) and hasattr(optimizer, "build"):
        optimizer.build(model.trainable_weights)
        variables = keras_layout.optimizer_variables(optimizer)
    stored_names = [n.rsplit("optimizer_weights/", 1)[-1] for n in names]
    by_name = (tf_keras2_optimizer_state.match(optimizer, variables, stored_names)
               or keras22_optimizer_state.match(optimizer, stored_names))
    if by_name is not None:  # tf-keras 2's (or Keras 2.2's) names say which array is which
        chosen, indices = by_name
        alignment = [(datasets[i], names[i]) for i in indices]
        if all(h5_guard.shape(d) == tuple(v.shape) for (d, _), v in zip(alignment, chosen)):
            _assign([(chosen, [h5_guard.read(d, filepath, name) for d, name in alignment])])
            return
    alignment = _align(variables, list(zip(datasets, names)))
    if alignment is None and len(datasets) == len(variables) - 1 and _is_learning_rate(variables[1:2]):
        # tf-keras 2's optimizers keep the learning rate in their config, not among their variables: the
        # file holds the iteration count, then the slots; the learning rate stays as compiled.
        variables = variables[:1] + variables[2:]
        alignment = _align(variables, list(zip(datasets, names)))
    if alignment is None:
        warnings.warn(
            f"{filepath}: skipping the optimizer state ({len(datasets)} arrays) because it does not fit "
            f"this optimizer ({len(variables)} variables); training resumes with a fresh optimizer.",
            stacklevel=3)
        return
    _assign([(variables, [h5_guard.read(d, filepath, name) for d, name in alignment])])


def _is_learning_rate(variables):
    return bool(variables) and "learning_rate" in str(getattr(variables[0], "name", ""))


def _align(variables, stored):
    """Match the stored (dataset, name) pairs to the optimizer's variables by shape; files with and
    without a stored learning rate (Keras 3 keeps it as variable 1) both fit."""
    shapes = [tuple(v.shape) for v in variables]
    candidates = [stored]
    if len(stored) == len(variables) + 1 and len(stored) >= 2:
        candidates.append([stored[0]] + stored[2:])
    for candidate in candidates:
        if len(candidate) == len(variables) and all(
                h5_guard.shape(dataset) == s for (dataset, _), s in zip(candidate, shapes)):
            return candidate
    return None
