"""TensorFlow's keyword names for the leading tensor arguments (`tf.reshape(tensor=x, shape=...)`,
`tf.matmul(a=x, b=y)`, `tf.add(x=a, y=b)`, `tf.nn.softmax(logits=z)`), accepted by the tf namespace's
functions, which are mostly tkeras ops with Keras 3's own argument names.

Tutorials and books written against TensorFlow's signatures pass these arguments by keyword. Each
keyword is mapped to its position, so the op underneath gets it positionally whatever it calls it, and
still records itself on symbolic tensors. Functions that already take TensorFlow's names are left alone.
"""
import functools
import inspect

# namespace attribute -> TensorFlow's names of its leading positional parameters, in order.
_UNARY_INPUT = ("input",)
_PAIR_XY = ("x", "y")
SPELLINGS = {
    "": {
        "reshape": ("tensor",), "transpose": ("a",), "matmul": ("a", "b"), "squeeze": _UNARY_INPUT,
        "stack": ("values",), "unstack": ("value",), "zeros_like": _UNARY_INPUT, "ones_like": _UNARY_INPUT,
        "size": _UNARY_INPUT, "identity": _UNARY_INPUT, "broadcast_to": _UNARY_INPUT, "reverse": ("tensor",),
        "norm": ("tensor",), "sort": ("values",), "argsort": ("values",), "boolean_mask": ("tensor",),
        "eye": ("num_rows",), "tensor_scatter_nd_update": ("tensor",), "expand_dims": _UNARY_INPUT,
        "tile": _UNARY_INPUT, "cast": ("x",), "concat": ("values",), "split": ("value",),
        **dict.fromkeys(("add", "multiply", "subtract", "divide", "pow", "maximum", "minimum", "equal",
                         "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and",
                         "logical_or", "floordiv", "truediv", "realdiv", "floormod", "squared_difference"),
                        _PAIR_XY),
    },
    "math": {
        **dict.fromkeys(("add", "multiply", "subtract", "divide", "pow", "maximum", "minimum", "equal",
                         "not_equal", "greater", "greater_equal", "less", "less_equal", "logical_and",
                         "logical_or", "logical_xor", "floordiv", "truediv", "floormod", "squared_difference",
                         "divide_no_nan", "multiply_no_nan"), _PAIR_XY),
        "softplus": ("features",), "softmax": ("logits",), "log_softmax": ("logits",),
    },
    "linalg": {"matmul": ("a", "b"), "norm": ("tensor",), "inv": _UNARY_INPUT},
    "nn": {
        "softmax": ("logits",), "log_softmax": ("logits",),
        **dict.fromkeys(("relu", "relu6", "elu", "selu", "leaky_relu", "softplus", "softsign"), ("features",)),
    },
}


def with_tf_keywords(op, names):
    """`op` also taking its leading positional arguments under TensorFlow's keyword `names`."""
    spelled = frozenset(names)

    @functools.wraps(op, updated=())
    def call(*args, **kwargs):
        if kwargs and not spelled.isdisjoint(kwargs):
            args = _positional(op, names, args, kwargs)
        return op(*args, **kwargs)
    call._tf_keywords_of = op
    return call


def _positional(op, names, args, kwargs):
    """`args` extended by the TensorFlow-named keywords, each at its position (removed from kwargs)."""
    args = list(args)
    for position, name in enumerate(names):
        if name not in kwargs:
            continue
        if position < len(args):
            raise TypeError(f"{op.__name__}() got its argument {name!r} twice: by position and as {name}=")
        if position > len(args):
            missing = names[len(args)]
            raise TypeError(f"{op.__name__}() got {name}= but not the argument before it ({missing!r})")
        args.append(kwargs.pop(name))
    return args


def _takes_names_already(op, names):
    try:
        parameters = inspect.signature(op).parameters
    except (TypeError, ValueError):
        return False
    return all(name in parameters for name in names)


def install(namespaces):
    """Rebind each listed function in `namespaces` ({"": tf, "math": tf.math, ...}) to its keyword-taking
    form; one wrapper per function, so `tf.add is tf.math.add` stays true where it was."""
    wrappers = {}
    for prefix, table in SPELLINGS.items():
        module = namespaces[prefix]
        for attr, names in table.items():
            op = vars(module).get(attr)
            if op is None or not callable(op) or hasattr(op, "_tf_keywords_of") or _takes_names_already(op, names):
                continue
            key = (id(op), names)
            if key not in wrappers:
                wrappers[key] = with_tf_keywords(op, names)
            setattr(module, attr, wrappers[key])
