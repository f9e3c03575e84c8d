"""The layers tf-keras 2 writes for `tf.*` calls and slicing on symbolic tensors, and for symbolic
`model.add_loss` / `model.add_metric`: TFOpLambda, SlicingOpLambda, AddLoss, AddMetric.

A tf-keras 2 user writing `tf.nn.relu(x)`, `x * 2 + 1` or `x[:, 0]` in functional code gets one of these
layers per call, named by the TF symbol (`"function": "math.reduce_mean"`, `"__operators__.add"`,
`"compat.v1.gather"`), and their `.h5` files hold them. Loading such a file replays each call through
tkeras' `tf` namespace, looked up by the same dotted name, so the model computes what it computed in
tf-keras; saving it again writes the same layers, which tf-keras 2 reads back.
"""
import functools
import inspect

from tkeras.layers.layer import Layer
from tkeras.layers.layer_inputs import is_symbolic
from tkeras.utils import tree

# TF symbols tf-keras 2 records from Python operators; `tf.__operators__` has no counterpart in the
# tkeras namespace (operators on tensors need none), so these four are spelled out.
_OPERATORS = {
    "add": lambda x, y: x + y,
    "eq": lambda self, other: self == other,
    "ne": lambda self, other: self != other,
    "getitem": lambda tensor, slice_spec: tensor[slice_spec],
}

# A file names its function, and loading the file calls it: only tensor computations may be named.
# A dotted name must lie in one of these sections of `tf` (after an optional `compat.v1.`/`compat.v2.`);
# a bare name is a top-level function (`concat`, `reshape`) unless it is one of the refused below. So
# `keras.*` (which could turn safe mode off or fetch files), `io.*`, `saved_model.*`, `config.*` and the
# like are never reached from a file.
_COMPUTING_SECTIONS = {"math", "nn", "linalg", "signal", "image", "strings", "random", "bitwise", "sparse",
                       "ragged", "dtypes"}
_REFUSED_NAMES = {"py_function", "numpy_function", "py_func", "print", "Print", "load_op_library",
                  "load_library", "function", "set_seed", "set_global_generator", "enable_eager_execution",
                  "disable_eager_execution", "disable_v2_behavior", "enable_v2_behavior", "reset_default_graph"}


def tf_function(dotted_name, layer_name=None):
    """The tkeras function that tf-keras 2's `"function"` entry names (`"nn.relu"` -> `tf.nn.relu`)."""
    where = f"layer {layer_name!r}: " if layer_name else ""
    if not isinstance(dotted_name, str) or not dotted_name:
        raise ValueError(f"{where}TFOpLambda needs `function`, the dotted name of a TF function (such as "
                         f"'math.reduce_mean'); received {dotted_name!r}")
    parts = dotted_name.split(".")
    if parts[0] == "__operators__" and len(parts) == 2 and parts[1] in _OPERATORS:
        return _OPERATORS[parts[1]]
    sections = parts[2:] if parts[:2] == ["compat", "v1"] or parts[:2] == ["compat", "v2"] else parts
    if (not sections or any(part.startswith("_") or part in _REFUSED_NAMES for part in sections)
            or (len(sections) > 1 and sections[0] not in _COMPUTING_SECTIONS)):
        raise ValueError(f"{where}TFOpLambda names tf.{dotted_name}, which is not a tensor computation; "
                         f"refusing to call it from a file")
    from tkeras.saving.function_code import tf_stand_in
    found = tf_stand_in()
    for part in parts:
        found = getattr(found, part, None)
        if found is None:
            raise NotImplementedError(f"{where}the model calls tf.{dotted_name} (tf-keras 2's TFOpLambda), "
                                      f"which tkeras' tf namespace does not provide")
    if not callable(found) or inspect.isclass(found) or inspect.ismodule(found):
        raise ValueError(f"{where}TFOpLambda names tf.{dotted_name}, which is not a function")
    return found


@functools.lru_cache(maxsize=None)
def _parameters(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return None
    required = [p.name for p in parameters
                if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    keywords = {p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    open_keywords = any(p.kind == p.VAR_KEYWORD for p in parameters)
    return required, keywords, open_keywords


def _bind(function, args, kwargs):
    """tf-keras 2 writes every argument after the first by TF's parameter name (`y=` of math.multiply).
    tkeras' functions may name an operand otherwise (`x2`): a keyword the function does not take fills
    its next required parameter, in TF's order. One that is None or False (`validate_indices=None`) is
    TF's default for an option tkeras does not have, so it is dropped; any other has no place to go, and
    saying so beats passing it where it does not belong."""
    kwargs = {k: v for k, v in kwargs.items() if k != "name"}
    described = _parameters(function)
    if described is None:
        return list(args), kwargs
    required, keywords, open_keywords = described
    # The layer call's own `training` / `mask` reach the function only where it takes them.
    kwargs = {k: v for k, v in kwargs.items() if k not in ("training", "mask") or k in keywords}
    if open_keywords:
        return list(args), kwargs
    args, accepted, unknown = list(args), {}, []
    for key, value in kwargs.items():
        if key in keywords:
            accepted[key] = value
        elif value is not None and value is not False:
            unknown.append(key)
    for key in unknown:
        free = [p for p in required[len(args):] if p not in accepted]
        if not free:
            raise TypeError(f"tf.{getattr(function, '__name__', function)}: tkeras has no counterpart for its "
                            f"argument {key}={kwargs[key]!r} from the file")
        accepted[free[0]] = kwargs[key]
    return args, accepted


class TFOpLambda(Layer):
    """One call of a TF function on symbolic tensors, as tf-keras 2 recorded it.

    Args:
        function: the function's dotted name below `tf` (`"nn.relu"`, `"math.reduce_mean"`,
            `"__operators__.add"`, `"compat.v1.gather"`).
    """

    # tf-keras 2 keeps the nesting of this layer's inputs (`tf.concat([a, b])` takes a list) in its nodes.
    _preserve_input_structure_in_config = True
    # Weightless: `tf.shape(x)[0]` made of these is re-run on each probe's shapes (functional_call), so a
    # later `tf.reshape(x, [batch, -1, 2])` sees the probe's batch size, not a zero.
    _reruns_on_probes = True

    def __init__(self, function, **kwargs):
        kwargs.pop("build_config", None)
        kwargs["autocast"] = False  # as in tf-keras 2: `tf.square(tf.cast(x, "float64"))` stays float64
        super().__init__(**kwargs)
        self.function = function
        self._function = tf_function(function, self.name)

    def call(self, *args, **kwargs):
        args, kwargs = _bind(self._function, args, kwargs)
        return self._function(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        if args and not is_symbolic(args[0]) and is_symbolic(tree.flatten(kwargs)):
            # `0.5 * x` is math.multiply(0.5, y=x): the graph's tensor comes by keyword, and the call is
            # still this layer's node (run eagerly, the op inside would record a node of its own).
            from tkeras.models.functional_call import symbolic_call
            return symbolic_call(self, args[0], args[1:], kwargs)
        return super().__call__(*args, **kwargs)

    def compute_output_shape(self, *args, **kwargs):
        raise NotImplementedError  # the shape depends on the call's arguments: found by running it

    def get_config(self):
        return {**super().get_config(), "function": self.function}


def _slice_from_file(spec):
    """tf-keras 2 writes a slice as {"start", "stop", "step"}, `...` as {"class_name": "__ellipsis__"}."""
    if isinstance(spec, dict) and set(spec) == {"start", "stop", "step"}:
        return slice(spec["start"], spec["stop"], spec["step"])
    if isinstance(spec, dict) and spec.get("class_name") == "__ellipsis__":
        return Ellipsis
    if isinstance(spec, list):
        return tuple(_slice_from_file(s) for s in spec)
    return spec


class SlicingOpLambda(TFOpLambda):
    """`x[...]` on a symbolic tensor (`"function": "__operators__.getitem"`), with its `slice_spec`."""

    def call(self, *args, **kwargs):
        if "slice_spec" in kwargs:
            kwargs = {**kwargs, "slice_spec": _slice_from_file(kwargs["slice_spec"])}
        elif len(args) > 1:
            args = (args[0], _slice_from_file(args[1])) + tuple(args[2:])
        return super().call(*args, **kwargs)


class AddLoss(Layer):
    """`model.add_loss(tensor)` in a tf-keras 2 file: reports its input as a loss on every call."""

    def __init__(self, unconditional=False, **kwargs):
        kwargs.pop("build_config", None)
        super().__init__(**kwargs)
        self.unconditional = unconditional

    def call(self, inputs):
        self.add_loss(inputs)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape  # its input, often a scalar (a mean over the batch), passes through

    def get_config(self):
        return {**super().get_config(), "unconditional": self.unconditional}


class AddMetric(Layer):
    """`model.add_metric(tensor, name=...)` in a tf-keras 2 file: a mean of its input, logged by name."""

    def __init__(self, aggregation=None, metric_name=None, **kwargs):
        kwargs.pop("build_config", None)
        super().__init__(**kwargs)
        self.aggregation = aggregation
        self.metric_name = metric_name

    def call(self, inputs):
        self.add_metric(inputs, name=self.metric_name, aggregation=self.aggregation)
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "aggregation": self.aggregation, "metric_name": self.metric_name}


CLASSES = {cls.__name__: cls for cls in (TFOpLambda, SlicingOpLambda, AddLoss, AddMetric)}
