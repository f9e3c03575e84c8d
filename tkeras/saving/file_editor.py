"""keras.saving.KerasFileEditor: look inside a `.keras` or `.weights.h5` file and edit its weights.

The file's weights become a nested dict (`editor.weights_dict`) that mirrors Keras' HDF5 layout
without the `vars` groups: `{"layers": {"dense": {"0": kernel, "1": bias}}}`. Objects are renamed,
deleted or added by name or path, and the result is written as a new `.weights.h5`, which
`model.load_weights` (tkeras' or Keras') reads. Reading follows the safe-loading rules: nothing is
unpickled, and every group and dataset is fetched through `h5_guard` (no links, no external or
virtual storage, sizes within the limit).
"""
import collections
import zipfile

import h5py
import numpy as np

from tkeras.saving import h5_guard

_MAX_METADATA_BYTES = 1 << 20


class KerasFileEditor:
    """Open `filepath` (.keras or .weights.h5): `config`, `metadata`, `weights_dict`; edit with
    `rename_object`, `delete_object`, `add_object`, `delete_weight`, `add_weights`; write with `save`."""

    def __init__(self, filepath):
        self.filepath = str(filepath)
        self.config = self.metadata = None
        if self.filepath.endswith(".keras"):
            from tkeras.saving.keras_file import open_h5_bytes, parse_json, read_archive
            self.config, weights = read_archive(self.filepath)
            self.metadata = self._read_metadata(parse_json)
            h5 = open_h5_bytes(weights, self.filepath)
        elif self.filepath.endswith(".weights.h5"):
            h5 = h5py.File(self.filepath, "r")
        else:
            raise ValueError(f"KerasFileEditor: expected a .keras or .weights.h5 file; received filepath="
                             f"{self.filepath!r}")
        with h5:
            self.object_metadata = {}
            self.weights_dict = self._read_group(h5, "")

    def _read_metadata(self, parse_json):
        with zipfile.ZipFile(self.filepath) as archive:
            info = next((i for i in archive.infolist() if i.filename == "metadata.json"), None)
            if info is None or info.file_size > _MAX_METADATA_BYTES:
                return None
            return parse_json(archive.read(info), self.filepath, "metadata.json")

    def _read_group(self, group, path):
        """{key: array or nested dict} below `group`; a `vars` group is folded into its parent."""
        attributes = {key: _plain(value) for key, value in group.attrs.items()}
        if attributes:
            self.object_metadata[path] = attributes
        result = collections.OrderedDict()
        for key in group.keys():
            member = h5_guard.get(group, key, self.filepath)
            where = f"{path}/{key}"
            if isinstance(member, h5py.Group):
                if not len(member):
                    continue
                source = h5_guard.get_group(member, "vars", self.filepath) if h5_guard.has(member, "vars") else member
                if source is None or not len(source):
                    continue
                result[key] = self._read_group(source, where)
            elif isinstance(member, h5py.Dataset):
                dataset = h5_guard.get_dataset(group, key, self.filepath)
                result[key] = h5_guard.read(dataset, self.filepath, where)
        return result

    # -- looking --------------------------------------------------------------------------------------
    def summary(self):
        """Print the objects and weight shapes of the file."""
        print(f"Keras file: {self.filepath}")
        if self.metadata:
            print(f"Saved with Keras {self.metadata.get('keras_version', '?')} on {self.metadata.get('date_saved', '?')}")
        for line in _tree_lines(self.weights_dict, 0):
            print(line)

    def weights_summary(self):
        self.summary()

    def compare(self, reference_model):
        """Mismatches between the file and `reference_model`'s weights (paths, counts, shapes):
        {"status": "success" or "error", "error_count": n, "match_count": n}."""
        from tkeras.saving import keras_layout
        errors, matches = [], 0
        for entry in keras_layout.model_entries(reference_model):
            if not entry.variables:
                continue
            stored = self._at(entry.path.split("/") if entry.path else [])
            where = entry.path or "(the model itself)"
            if not isinstance(stored, dict):
                errors.append(f"{where}: in the model, missing from the file")
                continue
            arrays = [value for value in stored.values() if not isinstance(value, dict)]
            if len(arrays) != len(entry.variables):
                errors.append(f"{where}: the model has {len(entry.variables)} weights, the file {len(arrays)}")
                continue
            for index, variable in enumerate(entry.variables):
                stored_shape = np.shape(stored.get(str(index)))
                if tuple(stored_shape) != tuple(variable.shape):
                    errors.append(f"{where}/{index}: shape {tuple(variable.shape)} in the model, {stored_shape} in "
                                  f"the file")
                else:
                    matches += 1
        for line in errors:
            print(line)
        return {"status": "error" if errors else "success", "error_count": len(errors), "match_count": matches}

    def _at(self, parts):
        node = self.weights_dict
        for part in parts:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    # -- editing --------------------------------------------------------------------------------------
    def _holder(self, object_name):
        """(the dict holding `object_name`, its key there), by path or by a name found exactly once."""
        if "/" in object_name:
            *parents, leaf = object_name.split("/")
            holder = self._at(parents)
            if not isinstance(holder, dict) or leaf not in holder:
                raise ValueError(f"KerasFileEditor: path {object_name!r} is not in the file")
            return holder, leaf
        found = list(_holders_of(self.weights_dict, object_name))
        if len(found) > 1:
            raise ValueError(f"KerasFileEditor: the name {object_name!r} occurs {len(found)} times in the file; "
                             f"pass its full path (see summary())")
        if not found:
            raise ValueError(f"KerasFileEditor: no object named {object_name!r} in the file; summary() lists them")
        return found[0], object_name

    def rename_object(self, object_name, new_name):
        if "/" in new_name:
            raise ValueError(f"KerasFileEditor.rename_object: new_name must be a name, not a path; received "
                             f"{new_name!r}")
        holder, key = self._holder(object_name)
        holder[new_name] = holder.pop(key)

    def delete_object(self, object_name):
        holder, key = self._holder(object_name)
        del holder[key]

    def add_object(self, object_path, weights):
        _check_weights(weights)
        *parents, leaf = object_path.split("/")
        holder = self._at(parents)
        if not isinstance(holder, dict):
            raise ValueError(f"KerasFileEditor.add_object: path {'/'.join(parents)!r} is not in the file")
        holder[leaf] = {str(name): np.asarray(value) for name, value in weights.items()}

    def delete_weight(self, object_name, weight_name):
        holder, key = self._holder(object_name)
        if weight_name not in holder[key]:
            raise ValueError(f"KerasFileEditor.delete_weight: object {object_name!r} has no weight {weight_name!r}; "
                             f"its weights are {list(holder[key])}")
        del holder[key][weight_name]

    def add_weights(self, object_name, weights):
        _check_weights(weights)
        holder, key = self._holder(object_name)
        holder[key].update({str(name): np.asarray(value) for name, value in weights.items()})

    # -- writing --------------------------------------------------------------------------------------
    def save(self, filepath):
        """Write the edited weights to a new `.weights.h5` file (atomically)."""
        filepath = str(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"KerasFileEditor.save: expected a .weights.h5 path; received filepath={filepath!r}")
        from tkeras.saving._atomic import atomic_path
        with atomic_path(filepath) as tmp:
            with h5py.File(tmp, "w") as h5:
                _write(h5, self.weights_dict, "", self.object_metadata)

    def resave_weights(self, filepath):
        self.save(filepath)


def _write(h5, node, path, metadata):
    arrays = {name: value for name, value in node.items() if not isinstance(value, dict)}
    if arrays:
        group = h5.require_group(f"{path}/vars" if path else "vars")
        for key, value in metadata.get(path, {}).items():
            group.attrs[key] = value
        for name, value in arrays.items():
            group.create_dataset(name, data=np.asarray(value))
    for name, value in node.items():
        if isinstance(value, dict) and value:
            _write(h5, value, f"{path}/{name}" if path else name, metadata)


def _holders_of(node, name):
    for key, value in node.items():
        if isinstance(value, dict):
            yield from _holders_of(value, name)
    if name in node and isinstance(node[name], dict):
        yield node


def _check_weights(weights):
    if not isinstance(weights, dict):
        raise ValueError(f"KerasFileEditor: weights must be a dict of weight name ('0', '1', ...) -> array; "
                         f"received {type(weights).__name__}")


def _plain(value):
    return value.decode("utf-8") if isinstance(value, bytes) else value.item() if isinstance(value, np.generic) else value


def _tree_lines(node, depth):
    for key, value in node.items():
        if isinstance(value, dict):
            yield "  " * depth + f"{key}/"
            yield from _tree_lines(value, depth + 1)
        else:
            yield "  " * depth + f"{key}: shape={tuple(np.shape(value))}, dtype={np.asarray(value).dtype}"
