"""`keras.tree`: Keras 3's functions on nested structures (lists, tuples, namedtuples, dicts, deques).

Keras' conventions, which user code may depend on: dict leaves come in sorted key order (an
OrderedDict keeps its own order), `None` is a leaf unless `none_is_leaf=False`, and list, tuple and
each namedtuple type are different structures while all dict kinds with the same keys are alike.
The library's own walker, `tkeras.utils.tree`, keeps insertion order and passes `None` through for
the data and model plumbing; this module is the public API.
"""
import collections

__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path", "is_nested",
           "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to", "pack_sequence_as",
           "traverse"]


class _MapToNone:
    """`traverse`'s way to say "replace this sub-tree by None" (a plain None means "keep going")."""

    def __repr__(self):
        return "keras.tree.MAP_TO_NONE"


MAP_TO_NONE = _MapToNone()
_SEQUENCES = (list, tuple, collections.deque)


def is_nested(structure):
    return isinstance(structure, (*_SEQUENCES, dict))


def _keys(structure):
    """The child keys in flattening order."""
    if isinstance(structure, dict):
        if isinstance(structure, collections.OrderedDict):
            return list(structure)
        try:
            return sorted(structure)
        except TypeError as error:
            raise TypeError(f"keras.tree: dict keys must be sortable to give a deterministic order, received "
                            f"keys {list(structure)}") from error
    return list(range(len(structure)))


def _children(structure):
    return [(key, structure[key]) for key in _keys(structure)] if isinstance(structure, dict) else list(
        enumerate(structure))


def _rebuild(structure, values):
    """A container like `structure` holding `values` (given in flattening order)."""
    if isinstance(structure, dict):
        by_key = dict(zip(_keys(structure), values))
        if isinstance(structure, collections.defaultdict):
            result = collections.defaultdict(structure.default_factory)
            result.update((key, by_key[key]) for key in structure)
            return result
        return type(structure)((key, by_key[key]) for key in structure)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*values)
    if isinstance(structure, collections.deque):
        return collections.deque(values, maxlen=structure.maxlen)
    return type(structure)(values) if type(structure) in (list, tuple) else list(values)


def _is_leaf(value, none_is_leaf):
    return not is_nested(value) and (none_is_leaf or value is not None)


def _flatten(structure, none_is_leaf=True, path=()):
    if not is_nested(structure):
        return [(path, structure)] if _is_leaf(structure, none_is_leaf) else []
    result = []
    for key, child in _children(structure):
        result.extend(_flatten(child, none_is_leaf, path + (key,)))
    return result


def flatten(structure):
    return [leaf for _, leaf in _flatten(structure)]


def flatten_with_path(structure):
    return _flatten(structure)


def pack_sequence_as(structure, flat_sequence):
    try:
        values = list(flat_sequence)
    except TypeError as error:
        raise TypeError(f"pack_sequence_as: 'flat_sequence' must be iterable, received "
                        f"{type(flat_sequence).__name__}") from error
    expected = len(_flatten(structure))
    if len(values) != expected:
        raise ValueError(f"pack_sequence_as: the structure has {expected} leaves but 'flat_sequence' has "
                         f"{len(values)} items")
    iterator = iter(values)
    return _pack(structure, iterator, none_is_leaf=True)


def _pack(structure, iterator, none_is_leaf):
    if not is_nested(structure):
        return next(iterator) if _is_leaf(structure, none_is_leaf) else structure
    return _rebuild(structure, [_pack(child, iterator, none_is_leaf) for _, child in _children(structure)])


def _check_function(op, func, structures):
    if not callable(func):
        raise TypeError(f"{op}: 'func' must be callable, received {type(func).__name__}")
    if not structures:
        raise TypeError(f"{op}: pass at least one structure")


def map_structure(func, *structures, none_is_leaf=True):
    _check_function("map_structure", func, structures)
    for other in structures[1:]:
        assert_same_structure(structures[0], other)
    leaves = [[leaf for _, leaf in _flatten(s, none_is_leaf)] for s in structures]
    results = iter([func(*values) for values in zip(*leaves)])
    return _pack(structures[0], results, none_is_leaf)


def _flatten_up_to(shallow, structure, path="structure"):
    if not is_nested(shallow):
        return [structure]
    if not is_nested(structure) or _kind(shallow) != _kind(structure) or _keys(shallow) != _keys(structure):
        raise ValueError(f"map_structure_up_to: {path} does not match the shallow structure: expected "
                         f"{_describe(shallow)}, received {_describe(structure)}")
    result = []
    for (key, child), (_, other) in zip(_children(shallow), _children(structure)):
        result.extend(_flatten_up_to(child, other, f"{path}[{key!r}]"))
    return result


def map_structure_up_to(shallow_structure, func, *structures):
    _check_function("map_structure_up_to", func, structures)
    leaves = [_flatten_up_to(shallow_structure, s) for s in structures]
    results = iter([func(*values) for values in zip(*leaves)])
    return _pack(shallow_structure, results, none_is_leaf=True)


def _kind(structure):
    if isinstance(structure, dict):
        return dict
    return type(structure)


def _describe(structure):
    if isinstance(structure, dict):
        return f"a dict with keys {sorted(map(str, structure))}"
    if is_nested(structure):
        return f"a {type(structure).__name__} of {len(structure)}"
    return "a leaf"


def _same_structure(a, b):
    if is_nested(a) != is_nested(b):
        return False
    if not is_nested(a):
        return True
    if _kind(a) != _kind(b) or len(a) != len(b):
        return False
    if isinstance(a, dict) and set(a) != set(b):
        return False
    return all(_same_structure(x, y) for (_, x), (_, y) in zip(_children(a), _children(b)))


def assert_same_structure(a, b, check_types=None):
    """`check_types` is accepted and ignored (deprecated in Keras as well): types are always compared."""
    if not _same_structure(a, b):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {a!r}\n\n"
                         f"Second structure: {b!r}")


def assert_same_paths(a, b):
    paths_a = {path for path, _ in _flatten(a)}
    paths_b = {path for path, _ in _flatten(b)}
    if paths_a != paths_b:
        only_a, only_b = sorted(paths_a - paths_b, key=str), sorted(paths_b - paths_a, key=str)
        raise ValueError(f"The two structures don't have the same paths: only in the first {only_a}, only in the "
                         f"second {only_b}")


def lists_to_tuples(structure):
    if not is_nested(structure):
        return structure
    values = [lists_to_tuples(child) for _, child in _children(structure)]
    return tuple(values) if isinstance(structure, list) else _rebuild(structure, values)


def _is_shape(value):
    return isinstance(value, tuple) and not hasattr(value, "_fields") and all(
        v is None or isinstance(v, int) for v in value)


def map_shape_structure(func, structure):
    """map_structure where tuples of ints and Nones (shapes) are leaves."""
    if _is_shape(structure) or not is_nested(structure):
        return func(structure)
    return _rebuild(structure, [map_shape_structure(func, child) for _, child in _children(structure)])


def traverse(func, structure, top_down=True):
    if not callable(func):
        raise TypeError(f"traverse: 'func' must be callable, received {type(func).__name__}")

    def replaced(value, original):
        if value is MAP_TO_NONE:
            return None
        return original if value is None else value

    def visit(node):
        if top_down:
            result = func(node)
            if result is not None:
                return replaced(result, node)
            if not is_nested(node):
                return node
            return _rebuild(node, [visit(child) for _, child in _children(node)])
        rebuilt = node if not is_nested(node) else _rebuild(node, [visit(child) for _, child in _children(node)])
        return replaced(func(rebuilt), rebuilt)

    return visit(structure)
