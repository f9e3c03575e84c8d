"""`tf.Module`: the base class of hand-written TF2 models that hold their own `tf.Variable`s.

A Module finds its variables by walking its attributes (sorted by name; lists, tuples and dicts,
dicts by sorted key; nested Modules; tkeras layers and models), so a training loop can hand
`module.trainable_variables` to a tape and an optimizer without registering anything. The order is
TensorFlow's: a module's own variables first, then each submodule's in turn, so variable lists line
up with a TensorFlow run of the same script. A tkeras layer inside contributes its weights in Keras
order (kernel before bias), as a Keras layer does inside a TensorFlow Module.
"""
import functools
import re

from tkeras.backend.variable import Variable as KerasVariable
from tkeras.layers.layer import Layer

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-/]*$")


def _snake_case(name):
    name = re.sub(r"(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class _ModuleNameScope:
    """The scope a module's methods run under; `.name` ends in "/" as TensorFlow's scope names do."""

    def __init__(self, name):
        self.name = name + "/"

    def __enter__(self):
        return self.name

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return f"<name_scope {self.name!r}>"


def _leaves(value):
    """Variables, Modules and layers inside one attribute value, in traversal order."""
    if isinstance(value, (KerasVariable, Module, Layer)):
        yield value
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _leaves(value[key])
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item)


class Module:
    def __init__(self, name=None):
        if name is None:
            name = _snake_case(type(self).__name__)
        elif not isinstance(name, str) or not _VALID_NAME.match(name):
            raise ValueError(f"tf.Module: `name` must be a valid Python identifier, received {name!r}")
        self._name = name
        self._name_scope = _ModuleNameScope(name)

    @property
    def name(self):
        return self._name

    @property
    def name_scope(self):
        return self._name_scope

    def _flatten(self, pick, seen):
        """Yield what `pick(leaf)` selects, own leaves before each submodule's (depth first)."""
        submodules = []
        for key in sorted(vars(self)):
            if key in ("_name", "_name_scope"):
                continue
            for leaf in _leaves(vars(self)[key]):
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
                if isinstance(leaf, KerasVariable):
                    yield from pick(leaf, None)
                else:
                    yield from pick(None, leaf)
                    submodules.append(leaf)
        for submodule in submodules:
            if isinstance(submodule, Module):
                yield from submodule._flatten(pick, seen)
            else:
                yield from _layer_leaves(submodule, pick, seen)

    def _variables(self, trainable=None):
        def pick(variable, module):
            if variable is not None and (trainable is None or bool(variable.trainable) == trainable):
                yield variable
        return tuple(self._flatten(pick, set()))

    @property
    def variables(self):
        return self._variables()

    @property
    def trainable_variables(self):
        return self._variables(trainable=True)

    @property
    def non_trainable_variables(self):
        return self._variables(trainable=False)

    @property
    def submodules(self):
        def pick(variable, module):
            if module is not None:
                yield module
        return tuple(self._flatten(pick, set()))

    @classmethod
    def with_name_scope(cls, method):
        """Decorator: run `method` inside its module's name scope (TensorFlow groups ops by it)."""
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)
        return wrapper

    def __repr__(self):
        return f"<{type(self).__name__} name={self._name!r}>"


def _layer_leaves(layer, pick, seen):
    """A tkeras layer's weights, as variables of the module that holds it."""
    for weight in layer.weights:
        if id(weight) not in seen:
            seen.add(id(weight))
            yield from pick(weight, None)
    for sublayer in layer._flatten_layers(include_self=False):
        if id(sublayer) not in seen:
            seen.add(id(sublayer))
            yield from pick(None, sublayer)
