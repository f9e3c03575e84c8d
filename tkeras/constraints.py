"""Weight constraints, applied to a weight right after each optimizer update, as Keras does."""
import torch

from tkeras.utils.lookup import canonical, lookup_error


class Constraint:
    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config_):
        from tkeras.saving.config_compat import class_config
        return cls(**class_config(cls, config_))  # the one key check every config route shares


class MaxNorm(Constraint):
    def __init__(self, max_value=2, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = torch.sqrt(torch.sum(torch.square(w), dim=self.axis, keepdim=True))
        desired = torch.clamp(norms, 0, self.max_value)
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    def __call__(self, w):
        return torch.clamp(w, min=0.0)


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (1e-7 + torch.sqrt(torch.sum(torch.square(w), dim=self.axis, keepdim=True)))

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = torch.sqrt(torch.sum(torch.square(w), dim=self.axis, keepdim=True))
        desired = self.rate * torch.clamp(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w * (desired / (1e-7 + norms))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class RadialConstraint(Constraint):
    """tf-keras 2: each square ring of a (rows, cols, in, out) Conv2D kernel holds one value, read from the
    kernel's diagonal, so the filter only depends on the (Chebyshev) distance from its centre.

    tf-keras reads the centre from position (k/2 - 1, k/2 - 1) (rounded down) and ring d from
    (k/2 + d - 1) for odd sizes, (k/2 + d) for even ones; tkeras keeps those positions.
    """

    def __call__(self, w):
        if w.dim() != 4:
            raise ValueError(f"RadialConstraint: the weight tensor must have rank 4 (rows, cols, in, out), received "
                             f"shape {tuple(w.shape)}")
        size, half = w.shape[0], w.shape[0] // 2
        index = torch.arange(size, device=w.device)
        if size % 2:
            offset = (index - half).abs()
        else:  # the 2x2 centre is ring 0
            offset = torch.where(index < half, half - 1 - index, index - half)
        ring = torch.maximum(offset.unsqueeze(1), offset.unsqueeze(0))
        source = torch.where(ring == 0, half - 1, half + ring - (1 if size % 2 else 0))
        return w[source, source]


max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm
radial_constraint = RadialConstraint
_NAMES = {"max_norm": MaxNorm, "maxnorm": MaxNorm, "non_neg": NonNeg, "nonneg": NonNeg,
          "unit_norm": UnitNorm, "unitnorm": UnitNorm, "min_max_norm": MinMaxNorm, "MaxNorm": MaxNorm,
          "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm, "radial_constraint": RadialConstraint,
          "RadialConstraint": RadialConstraint}
_LOOKUP = {canonical(k): v for k, v in _NAMES.items()}


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, Constraint) or (callable(identifier) and not isinstance(identifier, (str, dict, type))):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _LOOKUP.get(canonical(identifier))
        if cls is None:
            # A custom constraint saved by name: custom_objects, an active custom_object_scope or the registry.
            from tkeras.saving.serialization import get_registered_object
            custom = get_registered_object(identifier)
            if custom is None or (isinstance(custom, type) and not issubclass(custom, Constraint)):
                raise lookup_error("constraint", identifier, _NAMES)
            return custom() if isinstance(custom, type) else custom
        return cls()
    raise TypeError(f"Could not interpret constraint identifier {identifier!r}")


def serialize(constraint):
    """The Keras 3 config dict of a constraint (or None)."""
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(constraint)


def deserialize(config, custom_objects=None):
    """A constraint from a Keras 3 or Keras 2 config dict, or a name."""
    from tkeras.saving.serialization import deserialize_in_namespace
    return deserialize_in_namespace(config, custom_objects, namespace="constraints", kind="constraint",
                                    lookup=_LOOKUP, names=_NAMES, get=get)
