"""Symbolic tensors of the functional API: a shape, a dtype and the layer call that produced them.

A KerasTensor holds no data. Calling a layer on one records a node (see `tkeras.models.functional_call`)
and returns new KerasTensors whose `_keras_history` names that call; `Model(inputs, outputs)` walks
these histories back to the inputs. Python operators (`x + y`, `2 * x`, `x[:, 0]`, `-x`) and
`tkeras.ops` functions applied to KerasTensors become small op layers in the graph, as in Keras.
"""
import functools
import operator

from tkeras.backend import captured_tensors, reversed_slices
from tkeras.backend.symbolic_dtype import symbolic_dtype_name
from tkeras.utils import tree


class KerasTensor:
    _created = False  # set once any exists: ops check their arguments for KerasTensors only then
    ragged = False  # Keras 3 reports it on every symbolic tensor; tkeras' symbolic tensors are never ragged

    def __init__(self, shape, dtype="float32", name=None, producer=None, sparse=False):
        KerasTensor._created = True
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = symbolic_dtype_name(dtype if isinstance(dtype, str) else _dtype_name(dtype))
        self.name = name
        self.sparse = bool(sparse)
        # (layer, node_index, tensor_index) of the call that made this tensor.
        self._keras_history = producer

    def __getattr__(self, name):
        """`x._keras_mask`: the symbolic mask a masking layer (Embedding(mask_zero=True), Masking, a custom
        compute_mask) hands on, as Keras shows it while a functional model is built. Worked out on
        first access only, from the call that made this tensor; absent (AttributeError) when unmasked."""
        if name != "_keras_mask" or "_keras_history" not in self.__dict__:
            raise AttributeError(f"'KerasTensor' object has no attribute {name!r}")
        state = self.__dict__
        if "_symbolic_mask" not in state:
            resolve = _RECORDER.get("mask")
            state["_symbolic_mask"] = resolve(self) if resolve is not None else None
        if state["_symbolic_mask"] is None:
            raise AttributeError(f"The symbolic tensor {self.name!r} carries no mask ('_keras_mask')")
        return state["_symbolic_mask"]

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def node(self):
        layer, node_index, _ = self._keras_history
        return layer._inbound_nodes[node_index]

    def __repr__(self):
        # Keras 3's text, which books show as printed output (`print(model.inputs)`).
        return (f"<KerasTensor shape={self.shape}, dtype={self.dtype}, sparse={self.sparse}, "
                f"ragged={self.ragged}, name={self.name}>")

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of the symbolic tensor {self.name!r} of shape {self.shape} is unknown "
                            f"(its first dimension is the batch size); use its .shape")
        return self.shape[0]

    def __iter__(self):
        """tf.keras 2 iterated a symbolic tensor whose first dimension is known, one slice per entry:
        `n, h, w, c = tf.shape(images)` in a functional model (keras-io `stylegan`)."""
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"Iterating over the symbolic tensor {self.name!r} of shape {self.shape} is not "
                            f"possible: its first dimension is unknown. Index it (x[:, 0]) or use a layer/op "
                            f"instead.")
        return (self[index] for index in range(self.shape[0]))

    def __bool__(self):
        raise TypeError(f"The truth value of the symbolic tensor {self.name!r} is unknown until the model "
                        f"runs; use ops.where / layers instead of Python `if` on it.")

    def __array__(self, *args, **kwargs):
        raise TypeError(f"The symbolic tensor {self.name!r} (a functional-API placeholder of shape "
                        f"{self.shape}) cannot be converted to a NumPy array: it holds no values. Build a "
                        f"Model from it and call model.predict(data).")

    __hash__ = object.__hash__

    def numpy(self):
        self.__array__()

    def reshape(self, newshape):
        """`ops.reshape(self, newshape)`: recorded in the graph like any op."""
        from tkeras import ops
        return ops.reshape(self, newshape)

    def squeeze(self, axis=None):
        """`ops.squeeze(self, axis)`: recorded in the graph like any op."""
        from tkeras import ops
        return ops.squeeze(self, axis=axis)

    # -- operators become op layers ---------------------------------------------------------------
    def _apply(self, name, *operands):
        if captured_tensors.any_captured():  # Keras 2 closures over graph tensors (captured_tensors.py)
            live = captured_tensors.live_arguments([self, *operands], {}, KerasTensor)
            if live is not None:
                return OPERATORS[name](*live[0])
        _mark_used_by_value([self, *operands])
        return _recorder("operator_call")(name, self, *operands)

    def __add__(self, other): return self._apply("add", other)
    def __radd__(self, other): return self._apply("radd", other)
    def __sub__(self, other): return self._apply("sub", other)
    def __rsub__(self, other): return self._apply("rsub", other)
    def __mul__(self, other): return self._apply("mul", other)
    def __rmul__(self, other): return self._apply("rmul", other)
    def __truediv__(self, other): return self._apply("truediv", other)
    def __rtruediv__(self, other): return self._apply("rtruediv", other)
    def __floordiv__(self, other): return self._apply("floordiv", other)
    def __mod__(self, other): return self._apply("mod", other)
    def __pow__(self, other): return self._apply("pow", other)
    def __rpow__(self, other): return self._apply("rpow", other)
    def __matmul__(self, other): return self._apply("matmul", other)
    def __rmatmul__(self, other): return self._apply("rmatmul", other)
    def __neg__(self): return self._apply("neg")
    def __abs__(self): return self._apply("abs")
    def __lt__(self, other): return self._apply("lt", other)
    def __le__(self, other): return self._apply("le", other)
    def __gt__(self, other): return self._apply("gt", other)
    def __ge__(self, other): return self._apply("ge", other)
    # `source != 0` (a padding mask) is an op as in Keras 3; `==` stays identity so KerasTensors hash and
    # compare as graph nodes.
    def __ne__(self, other): return self._apply("ne", other)
    # Mask algebra (`causal_mask & padding_mask`, `~mask`): logical on booleans, bitwise on integers, as
    # TensorFlow's tensor operators are.
    def __and__(self, other): return self._apply("and", other)
    def __rand__(self, other): return self._apply("rand", other)
    def __or__(self, other): return self._apply("or", other)
    def __ror__(self, other): return self._apply("ror", other)
    def __xor__(self, other): return self._apply("xor", other)
    def __rxor__(self, other): return self._apply("rxor", other)
    def __invert__(self): return self._apply("invert")

    def __getitem__(self, key):
        return self._apply("getitem", key)


def _getitem(tensor, key):
    """Indexing as NumPy and TensorFlow define it: negative slice steps (`x[..., ::-1]`) included."""
    if reversed_slices.has_negative_step(key):
        return reversed_slices.getitem(tensor, key)
    return tensor[key]


# name -> how the op layer computes it on real tensors (reflected ops swap the operands).
OPERATORS = {
    "add": operator.add, "radd": lambda a, b: b + a, "sub": operator.sub, "rsub": lambda a, b: b - a,
    "mul": operator.mul, "rmul": lambda a, b: b * a, "truediv": operator.truediv,
    "rtruediv": lambda a, b: b / a, "floordiv": operator.floordiv, "mod": operator.mod, "pow": operator.pow,
    "rpow": lambda a, b: b ** a, "matmul": operator.matmul, "rmatmul": lambda a, b: b @ a,
    "neg": operator.neg, "abs": operator.abs, "lt": operator.lt, "le": operator.le, "gt": operator.gt,
    "ge": operator.ge, "ne": operator.ne, "getitem": _getitem,
    "and": operator.and_, "rand": lambda a, b: b & a, "or": operator.or_, "ror": lambda a, b: b | a,
    "xor": operator.xor, "rxor": lambda a, b: b ^ a, "invert": operator.invert,
}


# `x + y` and `ops.sum(x)` on KerasTensors are recorded as op layers of the graph. Layers live above
# this floor, so the recorder (models/functional_ops.py, imported by `import tkeras`) registers its two
# entry points here and nothing on this floor imports upward.
_RECORDER = {}


def register_recorder(operator_call, ops_call):
    """Called once by models/functional_ops: how operators and ops on KerasTensors become op layers."""
    _RECORDER.update(operator_call=operator_call, ops_call=ops_call)


def _recorder(entry):
    if entry not in _RECORDER:
        raise RuntimeError("tkeras' functional API is not loaded: import tkeras before using KerasTensors")
    return _RECORDER[entry]


def register_mask_resolver(resolve):
    """Called once by models/functional_call: how a KerasTensor's symbolic mask is worked out."""
    _RECORDER["mask"] = resolve


def register_input_maker(make_input):
    """Called once by layers/core/input_layer: how `K.placeholder` makes a model input (an `Input`)."""
    _RECORDER["input"] = make_input


def make_input(**kwargs):
    """A fresh functional-API input (`keras.Input(**kwargs)`), for `K.placeholder` on this floor."""
    return _recorder("input")(**kwargs)


def record_op(op, args, kwargs):
    """An op called with KerasTensor arguments -> the output KerasTensor of a recorded op layer; inside a
    step, on captured tensors, the op on their values (captured_tensors.py)."""
    if captured_tensors.any_captured():
        live = captured_tensors.live_arguments(args, kwargs, KerasTensor)
        if live is not None:
            return op(*live[0], **live[1])
    _mark_used_by_value([list(args), dict(kwargs)])
    return _recorder("ops_call")(op, args, kwargs)


def _is_real(value):
    import torch
    return isinstance(value, torch.Tensor)


def _mark_used_by_value(values):
    """Placeholders an op receives together with real tensors are used by value (a layer's call, probed,
    reading graph tensors of the enclosing code): mark them and the graph tensors they were computed
    from by other ops."""
    flat = tree.flatten(values)
    if not any(_is_real(v) for v in flat):
        return
    stack = [v for v in flat if isinstance(v, KerasTensor)]
    seen = set()
    while stack:
        tensor = stack.pop()
        if id(tensor) in seen:
            continue
        seen.add(id(tensor))
        captured_tensors.mark([tensor])
        history = tensor.__dict__.get("_keras_history")
        layer = history[0] if history else None
        if layer is not None and getattr(layer, "_is_op_node", False):
            node = layer._inbound_nodes[history[1]]
            stack.extend(v for v in tree.flatten([list(node.args), dict(node.kwargs)])
                         if isinstance(v, KerasTensor))


# Every function that records itself in a graph when handed KerasTensors (the `tkeras.ops` that
# ops.core.user_op made, tf-keras' K.* tensor functions): the only functions a functional config may
# name for an op node (models.functional_ops builds its allow-list of loadable operations from these).
SYMBOLIC_OPS = []


def recorded_in_graphs(fn):
    """Decorator for K.* tensor functions: called on KerasTensors (`K.sum(x, axis=1)` in functional
    code, tf-keras' TFOpLambda), the call becomes an op node of the graph; otherwise it runs as written.
    The output's shape and dtype come from the recorder's dry run, as for `tkeras.ops`."""
    @functools.wraps(fn)
    def op(*args, **kwargs):
        if KerasTensor._created and has_keras_tensor(args, kwargs):
            return record_op(op, args, kwargs)
        return fn(*args, **kwargs)
    op.is_symbolic_op = True
    SYMBOLIC_OPS.append(op)
    return op


def record_in_graphs(namespace, names):
    """Wrap the module-level functions `names` of a K.* module (its `globals()`) in `recorded_in_graphs`."""
    for name in names:
        namespace[name] = recorded_in_graphs(namespace[name])


def has_keras_tensor(args, kwargs):
    """Whether any argument (or an element of a list/tuple/dict argument) is a KerasTensor."""
    stack = list(args) + list(kwargs.values())
    while stack:
        value = stack.pop()
        if isinstance(value, KerasTensor):
            return True
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
    return False


def _dtype_name(dtype):
    from tkeras.backend import config
    return config.dtype_name(config.standardize_dtype(dtype))


def is_keras_tensor(x):
    """True for a symbolic tensor of the functional API (from `keras.Input` and layer calls on one)."""
    return isinstance(x, KerasTensor)
