"""Weight penalties (`kernel_regularizer=l2(0.01)`), added to the training loss by the fit loop."""
import torch

from tkeras.utils.lookup import canonical, lookup_error


class Regularizer:
    def __call__(self, x):
        return x.new_zeros(())

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config_):
        from tkeras.saving.config_compat import class_config
        return cls(**class_config(cls, config_))  # the one key check every config route shares


class L1L2(Regularizer):
    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = x.new_zeros(())
        if self.l1:
            penalty = penalty + self.l1 * torch.sum(torch.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * torch.sum(torch.square(x))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    def __init__(self, factor=0.01, mode="rows"):
        self.factor, self.mode = factor, mode

    def __call__(self, x):
        m = x if self.mode == "rows" else x.T
        m = torch.nn.functional.normalize(m, dim=1)
        product = m @ m.T
        off = product - torch.diag(torch.diagonal(product))
        return self.factor * torch.sum(torch.abs(off)) / (m.shape[0] * (m.shape[0] - 1))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras exports the class under its snake_case name as well (`regularizers.orthogonal_regularizer(0.1)`).
orthogonal_regularizer = OrthogonalRegularizer


def l1(l1=0.01):
    return L1(l1)


def l2(l2=0.01):
    return L2(l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


_NAMES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "l1l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2,
          "orthogonal_regularizer": OrthogonalRegularizer, "OrthogonalRegularizer": OrthogonalRegularizer}
_LOOKUP = {canonical(k): v for k, v in _NAMES.items()}


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, Regularizer) or (callable(identifier) and not isinstance(identifier, (str, dict, type))):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _LOOKUP.get(canonical(identifier))
        if cls is None:
            # A custom regularizer saved by name: custom_objects, an active custom_object_scope or the registry.
            from tkeras.saving.serialization import get_registered_object
            custom = get_registered_object(identifier)
            if custom is None or (isinstance(custom, type) and not issubclass(custom, Regularizer)):
                raise lookup_error("regularizer", identifier, _NAMES)
            return custom() if isinstance(custom, type) else custom
        return cls()
    raise TypeError(f"Could not interpret regularizer identifier {identifier!r}")


def serialize(regularizer):
    """The Keras 3 config dict of a regularizer (or None)."""
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    """A regularizer from a Keras 3 or Keras 2 config dict, or a name."""
    from tkeras.saving.serialization import deserialize_in_namespace
    return deserialize_in_namespace(config, custom_objects, namespace="regularizers", kind="regularizer",
                                    lookup=_LOOKUP, names=_NAMES, get=get)
