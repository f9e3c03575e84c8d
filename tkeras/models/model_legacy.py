"""tf-keras 2 Model methods Keras 3 dropped: `get_weight_paths`, `reset_states`, `save_spec`, `to_yaml`."""
import torch

from tkeras.utils import tree


class TensorSpec:
    """A shape, a dtype and a name (what tf.TensorSpec holds); `save_spec` returns these."""

    __slots__ = ("shape", "dtype", "name")

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = dtype
        self.name = name

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype, self.name) == (
            other.shape, other.dtype, other.name)

    __hash__ = object.__hash__

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype}, name={self.name!r})"


def _layer_children(layer):
    from tkeras.models.functional import Functional
    from tkeras.models.sequential import Sequential
    if isinstance(layer, (Functional, Sequential)):  # graph models: their layers by name
        return [(child.name, child) for child in layer.layers]
    return [(name.replace("__", "."), child) for name, child in layer.named_children()]


def _collect_paths(layer, prefix, found, seen):
    own = list(layer.named_parameters(recurse=False)) + [
        (name, buffer) for name, buffer in layer.named_buffers(recurse=False) if hasattr(buffer, "assign")]
    for name, variable in own:
        if id(variable) not in seen:
            seen.add(id(variable))
            found[prefix + name] = variable
    for name, child in _layer_children(layer):
        if isinstance(child, torch.nn.Module):
            _collect_paths(child, f"{prefix}{name}.", found, seen)


class LegacyModelMethods:
    def get_weight_paths(self):
        """{path: variable} for every weight of the model, the path naming how it is reached: layers of a
        functional or Sequential model by their names, sublayers of a subclassed one by attribute
        (`blocks.0` for the first layer of a list), then the weight's own name (`d1.kernel`)."""
        found = {}
        _collect_paths(self, "", found, set())
        return found

    def reset_states(self):
        """Reset the state of every stateful layer of the model (stateful RNNs)."""
        for layer in self.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_states"):
                layer.reset_states()

    def save_spec(self, dynamic_batch=True):
        """`(args, kwargs)` describing what the model is called with (TensorSpec per input), or None before
        the model has inputs (a subclassed or Sequential model not yet called or built).

        A functional model's batch sizes are kept as declared; otherwise `dynamic_batch=True` makes the
        batch size None."""
        structure = self.__dict__.get("_inputs_struct")
        if structure is not None:
            specs = tree.map_structure(
                lambda t: TensorSpec(t.shape, getattr(t, "dtype", "float32"), getattr(t, "name", None)), structure)
            return [specs], {}
        shape = self.__dict__.get("_build_input_shape")
        if shape is None:
            return None
        dtype = getattr(self, "compute_dtype", "float32")
        name = f"{self.name}_input"

        def spec(s):
            s = tuple(s)
            if dynamic_batch and s:
                s = (None,) + s[1:]
            return TensorSpec(s, dtype, name)
        if isinstance(shape, dict):
            return [{key: spec(s) for key, s in shape.items()}], {}
        if isinstance(shape, (list, tuple)) and shape and all(isinstance(s, (list, tuple)) for s in shape):
            return [[spec(s) for s in shape]], {}
        return [spec(shape)], {}

    def to_yaml(self, **kwargs):
        """Removed in tf-keras 2 (loading YAML could run arbitrary code); raises as tf-keras does."""
        raise RuntimeError("Model.to_yaml() no longer exists: YAML model files could execute arbitrary code "
                           "when loaded. Serialize the architecture with model.to_json() instead.")
