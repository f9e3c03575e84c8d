"""`tf.nest`: nested structures of lists, tuples, namedtuples and dicts, flattened in TensorFlow's order
(dict values by sorted key), so a packed structure round-trips with TensorFlow-era code."""
from tkeras.compat.tf_namespace._unsupported import module_getattr


def _is_namedtuple(value):
    return isinstance(value, tuple) and hasattr(value, "_fields")


def is_nested(seq):
    return isinstance(seq, (list, tuple, dict))


def _children(structure):
    if isinstance(structure, dict):
        return [structure[key] for key in sorted(structure)]
    return list(structure)


def flatten(structure, expand_composites=False):
    if structure is None:
        return [None]
    if not is_nested(structure):
        return [structure]
    return [leaf for child in _children(structure) for leaf in flatten(child)]


def _rebuild(template, values):
    if isinstance(template, dict):
        by_key = dict(zip(sorted(template), values))
        return type(template)((key, by_key[key]) for key in template)
    if _is_namedtuple(template):
        return type(template)(*values)
    return type(template)(values)


def _pack(structure, leaves, start):
    if not is_nested(structure):
        return leaves[start], start + 1
    packed = []
    for child in _children(structure):
        value, start = _pack(child, leaves, start)
        packed.append(value)
    return _rebuild(structure, packed), start


def pack_sequence_as(structure, flat_sequence, expand_composites=False):
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if expected != len(flat_sequence):
        raise ValueError(f"Could not pack sequence. Structure had {expected} atoms, but flat_sequence had "
                         f"{len(flat_sequence)} items.  Structure: {structure}, flat_sequence: {flat_sequence}.")
    return _pack(structure, flat_sequence, 0)[0]


def _mismatch(a, b, check_types):
    """Why two structures differ, or None when they match."""
    if is_nested(a) != is_nested(b):
        return "nested" if is_nested(a) else "not nested"
    if not is_nested(a):
        return None
    if check_types and type(a) is not type(b) and not (isinstance(a, dict) and isinstance(b, dict)):
        return f"type={type(a).__name__} vs type={type(b).__name__}"
    if isinstance(a, dict) and sorted(a) != sorted(b):
        return f"keys {sorted(a)} vs {sorted(b)}"
    if len(a) != len(b):
        return f"length {len(a)} vs {len(b)}"
    for x, y in zip(_children(a), _children(b)):
        reason = _mismatch(x, y, check_types)
        if reason:
            return reason
    return None


def assert_same_structure(nest1, nest2, check_types=True, expand_composites=False):
    reason = _mismatch(nest1, nest2, check_types)
    if reason is None:
        return
    error = TypeError if reason.startswith("type=") else ValueError
    raise error(f"The two structures don't have the same nested structure ({reason}).\n\nFirst structure: "
                f"{nest1}\n\nSecond structure: {nest2}")


def map_structure(func, *structure, **kwargs):
    if not callable(func):
        raise TypeError(f"func must be callable, got: {func}")
    if not structure:
        raise ValueError("Must provide at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"Only valid keyword arguments are `check_types` and `expand_composites`, not: "
                         f"`{', '.join(kwargs)}`")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    leaves = [flatten(s) for s in structure]
    return pack_sequence_as(structure[0], [func(*args) for args in zip(*leaves)])


__getattr__ = module_getattr("tf.nest")
