"""Differentiable `stateless_call`: gradients reach the values passed in, not the layer's Parameters.

A tkeras layer computes with its own weights, read as attributes (`self.kernel`). For a call whose
given values ask for a gradient, each mapped variable is replaced, for the length of the call, by a
stand-in tensor in every attribute of a layer that refers to it: the given value itself (an alias, so
autograd reaches it) where it requires grad, a private copy otherwise. Autograd then records the
stand-ins, never the Parameters, so the graph stays right after the scope puts the Parameters'
storage back (a graph holding a Parameter would read its restored storage in backward).

Two checks keep wrong gradients out:
- every mapped floating variable asks for a gradient during the call, so a layer that reaches a weight
  some other way (a list of weights, a wrapped torch module, a cache) leaves the Parameter in the
  graph; the graph is searched afterwards and such a call is refused, naming the layer;
- a stand-in for a value that requires grad refuses to be assigned (SpectralNormalization rewrites
  its kernel in a training call): the gradient would have to pass through the write.
Writes to the other stand-ins (BatchNormalization's moving statistics) are recorded by the active
StatelessScope, as writes to the variables are, and shown to later reads of the stand-in.
"""
import contextlib

import torch

from tkeras.backend.stateless_scope import active_stateless_scope


class StatelessGradientError(NotImplementedError):
    """A layer whose gradient with respect to `stateless_call`'s values tkeras cannot give correctly."""


class StandIn(torch.Tensor):
    """A mapped variable's value during a differentiable stateless call (see the module docstring).
    Arithmetic on it gives plain tensors; Variable-only attributes come from the variable."""
    __torch_function__ = torch._C._disabled_torch_function_impl

    @property
    def value(self):
        return self

    def __getattr__(self, name):
        variable = self.__dict__.get("_variable")
        if variable is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(variable, name)

    def assign(self, value):
        variable, owner = self.__dict__["_variable"], self.__dict__["_owner"]
        if self.requires_grad:
            raise StatelessGradientError(
                f"stateless_call: layer {owner!r} overwrites its weight {variable.path!r} during the call, and the "
                f"value given for that weight requires grad; tkeras cannot carry the gradient through such a "
                f"write. Pass that value detached, or differentiate the ordinary call instead.")
        value = torch.as_tensor(value, device=self.device).to(self.dtype).detach()
        scope = active_stateless_scope()
        if scope is not None:
            scope.add_update(variable, value)
        with torch.no_grad():
            self.copy_(value)
        return self

    def assign_add(self, delta):
        return self.assign(self.detach() + torch.as_tensor(delta, device=self.device).to(self.dtype))

    def assign_sub(self, delta):
        return self.assign(self.detach() - torch.as_tensor(delta, device=self.device).to(self.dtype))


def wants_gradient(values):
    return torch.is_grad_enabled() and any(isinstance(v, torch.Tensor) and v.requires_grad for v in values)


def _stand_in(variable, value, owner):
    value = torch.as_tensor(value, device=variable.device)
    if value.dtype != variable.dtype:
        value = value.to(variable.dtype)
    if not value.requires_grad:
        value = value.detach().clone()
    stand_in = value.as_subclass(StandIn)
    stand_in.__dict__["_variable"] = variable
    stand_in.__dict__["_owner"] = owner
    return stand_in


def owners(layer):
    """{id(variable): name of the first layer (in `_flatten_layers` order) that owns it}."""
    result = {}
    for each in layer._flatten_layers(include_self=True):
        for variable in each._own_weights:
            result.setdefault(id(variable), each.name)
    return result


@contextlib.contextmanager
def substituted(layer, pairs):
    """Within: every attribute of `layer` and its sublayers that holds one of the variables in `pairs`
    [(variable, value)] holds the variable's stand-in instead, and the floating variables ask for a
    gradient (so that a read that bypasses the attributes shows in the graph). Yields the stand-ins."""
    names = owners(layer)
    stand_ins = {id(v): _stand_in(v, value, names.get(id(v), layer.name)) for v, value in pairs}
    patched = []  # (layer, name, previous value or _ABSENT)
    flags = []
    try:
        for each in layer._flatten_layers(include_self=True):
            attributes = each.__dict__
            for name, held in list(attributes.items()):
                if isinstance(held, torch.nn.Parameter) and id(held) in stand_ins:
                    patched.append((each, name, held))
                    attributes[name] = stand_ins[id(held)]
            for name, held in each._parameters.items():
                if held is not None and id(held) in stand_ins and name not in attributes:
                    patched.append((each, name, _ABSENT))  # read through nn.Module.__getattr__ until now
                    attributes[name] = stand_ins[id(held)]
        for variable, _ in pairs:
            if variable.is_floating_point() and not variable.requires_grad:
                flags.append(variable)
                variable.requires_grad_(True)
        yield stand_ins
    finally:
        for variable in flags:
            variable.requires_grad_(False)
        for each, name, previous in reversed(patched):
            if previous is _ABSENT:
                each.__dict__.pop(name, None)
            else:
                each.__dict__[name] = previous


_ABSENT = object()


def check_graph(layer, results, variables):
    """Refuse (StatelessGradientError, naming the layer) if the autograd graph of `results` (a nested
    structure of tensors) reaches one of `variables` itself rather than its stand-in."""
    wanted = {id(v): v for v in variables}
    names = owners(layer)
    seen, stack = set(), [t.grad_fn for t in _tensors(results) if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        leaf = getattr(node, "variable", None)
        if leaf is not None and id(leaf) in wanted:
            variable = wanted[id(leaf)]
            raise StatelessGradientError(
                f"stateless_call: layer {names.get(id(variable), layer.name)!r} reads its weight {variable.path!r} "
                f"other than through its attributes (a list of weights, a wrapped torch module or a cache), so "
                f"tkeras cannot route the gradient to the value given for it. Differentiate the ordinary call "
                f"instead, or pass detached values to only evaluate the layer.")
        stack.extend(next_node for next_node, _ in node.next_functions)


def _tensors(structure):
    if isinstance(structure, torch.Tensor):
        yield structure
    elif isinstance(structure, dict):
        for value in structure.values():
            yield from _tensors(value)
    elif isinstance(structure, (list, tuple)):
        for value in structure:
            yield from _tensors(value)
