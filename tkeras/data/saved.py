"""`Dataset.save` / `Dataset.load` in tkeras' own directory format: a JSON description of the element
structure plus one `.npy` file per component (all elements stacked when their shapes agree, one file per
element otherwise). NumPy files are read with allow_pickle=False, so loading runs no code."""
import json
import os

import numpy as np
import torch

from tkeras.data._structure import leaves, map_structure

_INDEX = "tkeras_dataset.json"
_TF_MARKERS = ("dataset_spec.pb", "snapshot.metadata")


def _layout(element):
    if isinstance(element, dict):
        return {"dict": {key: _layout(value) for key, value in element.items()}}
    if isinstance(element, tuple):
        return {"tuple": [_layout(value) for value in element]}
    kind = "torch" if isinstance(element, torch.Tensor) else "numpy"
    if kind == "numpy" and element.dtype == object:
        raise TypeError("Dataset.save: binary-string components cannot be stored without pickle; decode them "
                        "to text first")
    if hasattr(element, "dense_shape"):
        raise TypeError("Dataset.save: sparse components are not supported by tkeras' save format")
    return {"leaf": kind}


def _rebuild(layout, parts):
    if "dict" in layout:
        return {key: _rebuild(value, parts) for key, value in layout["dict"].items()}
    if "tuple" in layout:
        return tuple(_rebuild(value, parts) for value in layout["tuple"])
    value = next(parts)
    return torch.from_numpy(value) if layout["leaf"] == "torch" else value


def save(dataset, path):
    path = os.fspath(path)
    elements = list(dataset._iterate())
    os.makedirs(path, exist_ok=True)
    layout = _layout(elements[0]) if elements else None
    columns = list(zip(*(leaves(map_structure(_as_array, e)) for e in elements))) if elements else []
    stacked = []
    for j, column in enumerate(columns):
        same = len({(c.shape, c.dtype.str) for c in column}) == 1
        stacked.append(same)
        if same:
            np.save(os.path.join(path, f"component_{j}.npy"), np.stack(column), allow_pickle=False)
        else:
            for i, value in enumerate(column):
                np.save(os.path.join(path, f"component_{j}_{i}.npy"), value, allow_pickle=False)
    with open(os.path.join(path, _INDEX), "w", encoding="utf-8") as handle:
        json.dump({"format": "tkeras-dataset", "version": 1, "count": len(elements), "layout": layout,
                   "stacked": stacked}, handle)


def _as_array(leaf):
    return leaf.detach().cpu().numpy() if isinstance(leaf, torch.Tensor) else np.asarray(leaf)


def load(path, dataset_class):
    path = os.fspath(path)
    index = os.path.join(path, _INDEX)
    if not os.path.exists(index):
        if any(os.path.exists(os.path.join(path, marker)) for marker in _TF_MARKERS):
            raise ValueError(f"Dataset.load: {path!r} was written by TensorFlow's Dataset.save (snapshot format), "
                             f"which tkeras does not read; re-save it with tkeras")
        raise FileNotFoundError(f"Dataset.load: no dataset saved by tkeras at {path!r} (missing {_INDEX})")
    with open(index, encoding="utf-8") as handle:
        meta = json.load(handle)
    count, layout = meta["count"], meta["layout"]

    def column(j, same):
        if same:
            return list(np.load(os.path.join(path, f"component_{j}.npy"), allow_pickle=False))
        return [np.load(os.path.join(path, f"component_{j}_{i}.npy"), allow_pickle=False) for i in range(count)]
    columns = [column(j, same) for j, same in enumerate(meta["stacked"])]
    elements = [_rebuild(layout, iter([np.array(c[i]) for c in columns])) for i in range(count)]
    return dataset_class(lambda: iter(elements), count)
