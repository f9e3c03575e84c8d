"""Keras 3's dtype names and promotion rules (`keras.backend.standardize_dtype`, `result_type`, ...).

These speak Keras' language: dtypes are strings ("float32"), Python's `int`/`float` are "weak" types
that adapt to the other operand, and on every backend but TensorFlow 64-bit results are narrowed to
32 bits (JAX's default, which Keras 3 follows on torch too: `result_type("float64") == "float32"`).
The engine's own conversion to torch dtypes is `backend.config.standardize_dtype`.
"""
import functools

from tkeras.backend import config

FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
ALLOWED_DTYPES = FLOAT_TYPES + INT_TYPES + ("bool", "string", "float8_e4m3fn", "float8_e5m2", "complex64",
                                            "complex128")
_PYTHON_TYPES = {bool: "bool", int: "int32", float: "float32", str: "string", complex: "complex64",
                 "int": "int32"}

# Each dtype's immediate successors on the promotion lattice (JAX's, which Keras 3 adopted).
# "int" and "float" are the weak types of Python scalars.
_SUCCESSORS = {
    "bool": ["int"], "int": ["uint8", "int8", "complex64"],
    "uint8": ["int16", "uint16"], "uint16": ["int32", "uint32"], "uint32": ["int64", "uint64"], "uint64": ["float"],
    "int8": ["int16"], "int16": ["int32"], "int32": ["int64"], "int64": ["float"],
    "float": ["bfloat16", "float16"], "bfloat16": ["float32"], "float16": ["float32"],
    "float32": ["float64", "complex64"], "float64": ["complex128"], "complex64": ["complex128"], "complex128": [],
}
_NARROW = {"int64": "int32", "uint64": "uint32", "float64": "float32", "complex128": "complex64"}


def standardize_dtype(dtype):
    """Any dtype spelling (None, "float32", numpy/torch dtypes, Python types) -> Keras' string name."""
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, (type, str)) and dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    if hasattr(dtype, "name") and isinstance(dtype.name, str):
        name = dtype.name
    elif hasattr(dtype, "__name__"):
        name = dtype.__name__
    else:
        name = str(dtype)
        if name.startswith("torch."):
            name = name.split(".")[-1]
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {name} (received {dtype!r}; expected one of {', '.join(ALLOWED_DTYPES)})")
    return name


def is_float_dtype(dtype):
    dtype = standardize_dtype(dtype)
    return dtype.startswith("float") or dtype.startswith("bfloat")


def is_int_dtype(dtype):
    dtype = standardize_dtype(dtype)
    return dtype.startswith("int") or dtype.startswith("uint")


@functools.lru_cache(maxsize=None)
def _upper_bounds(node):
    """`node` and everything above it on the lattice."""
    bounds = {node}
    for successor in _SUCCESSORS[node]:
        bounds |= _upper_bounds(successor)
    return frozenset(bounds)


def _least_upper_bound(nodes):
    for node in nodes:
        if node not in _SUCCESSORS:
            raise ValueError(f"dtype={node!r} is not a valid dtype for Keras type promotion")
    common = frozenset.intersection(*(_upper_bounds(n) for n in nodes))
    least = [c for c in common if common <= _upper_bounds(c)]
    if not least:
        raise ValueError(f"Input dtypes {tuple(nodes)} have no implicit dtype promotion path; cast them explicitly")
    return least[0]


def _weak(dtype):
    if dtype == "bool":
        return dtype
    for kind in ("float", "int", "complex"):
        if kind in dtype:
            return kind
    raise ValueError(f"Invalid dtype {dtype!r}")


def result_type(*dtypes):
    """The dtype an operation on values of `dtypes` gives, by Keras 3's promotion rules."""
    if not dtypes:
        return config.floatx()
    values = [config.floatx() if d is None else d for d in dtypes]
    if any(v in ("float8_e4m3fn", "float8_e5m2") for v in values):
        raise ValueError(f"There is no implicit conversion from float8 dtypes to others; cast explicitly. "
                         f"Received: {dtypes}")
    names = [standardize_dtype(v) for v in values]
    weak = [v is int or v is float for v in values]
    if len(names) == 1:
        result, result_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        result, result_weak = names[0], False
    elif all(weak):
        result, result_weak = _least_upper_bound(sorted(set(names))), True
    else:
        nodes = sorted({_weak(n) if w else n for n, w in zip(names, weak)})
        result = _least_upper_bound(nodes)
        result_weak = result in ("int", "float")
    if result_weak and result != "bool":
        precision = config.floatx()[-2:]
        kind = "float" if result == "bfloat16" else result[:1]
        result = {"b": "bool", "i": f"int{precision}", "u": f"uint{precision}"}.get(kind, f"float{precision}")
    return _NARROW.get(result, result)
