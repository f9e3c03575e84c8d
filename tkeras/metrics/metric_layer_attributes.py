"""The Layer attributes tf-keras 2 metrics have (there a Metric is a Layer), as values for a metric.

A metric holds only non-trainable state, takes no masks, has no graph nodes and is always ready to
update, so most of these are constants; the weight lists are views of `variables`. The per-node
attributes (`input`, `output`, `input_shape`, ...) belong to layers called on symbolic tensors,
which a metric never is: reading them raises AttributeError, as it does for a tf-keras metric.
"""
import enum


class Reduction(enum.Enum):
    """How a reducing metric (`Sum`, `Mean` and the mean wrappers) combines its values (tf-keras 2)."""
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    WEIGHTED_MEAN = "weighted_mean"


def _not_connected(what):
    def getter(self):
        raise AttributeError(f"{type(self).__name__} {self.name!r} is a metric, never called on symbolic "
                             f"tensors, so it has no {what}.")
    return property(getter)


class MetricLayerAttributes:
    built = True  # state is created in __init__
    stateful = True
    dynamic = False
    supports_masking = False
    input_spec = None
    activity_regularizer = None
    _trainable = True

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def compute_dtype(self):
        return self.dtype

    variable_dtype = compute_dtype

    @property
    def dtype_policy(self):
        from tkeras.dtype_policies import DTypePolicy
        return DTypePolicy(self.dtype)

    # -- weights: all state is non-trainable -----------------------------------------------------
    @property
    def trainable_weights(self):
        return []

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self):
        return list(self.variables)

    non_trainable_variables = non_trainable_weights

    # -- what a Layer collects from its children ---------------------------------------------------
    @property
    def metrics(self):
        return []

    @property
    def updates(self):
        return []

    @property
    def submodules(self):
        """Metrics held as attributes of this one (a tuple, as tf.Module lists them)."""
        found = [value for value in self.__dict__.values() if isinstance(value, MetricLayerAttributes)
                 and value is not self]
        return tuple(found)

    @property
    def inbound_nodes(self):
        return []

    outbound_nodes = inbound_nodes

    input = _not_connected("input")
    output = _not_connected("output")
    input_shape = _not_connected("input shape")
    output_shape = _not_connected("output shape")
    input_mask = _not_connected("input mask")
    output_mask = _not_connected("output mask")
