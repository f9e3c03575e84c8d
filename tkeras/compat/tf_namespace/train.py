"""`tf.train`: checkpoints of a custom training loop, moving averages, and TF1's optimizer names.

Checkpoints live in checkpoint.py (saving, restoring) and _checkpoint_manager.py (numbered saves in a
directory, finding the newest); both are re-exported here under TensorFlow's names.

`tf.train.Example` and friends (the records of TFRecord files) live in _example_proto.py.

`tf.train.*Optimizer`: TensorFlow 1's optimizer names, as tkeras optimizers for `compile` and tapes.

TF1 scripts write `model.compile(optimizer=tf.train.AdamOptimizer(0.001), ...)`. Each name builds the
Keras optimizer with the same update rule, its TF1 argument names (`beta1`, `use_nesterov`, `decay`)
and TF1 defaults mapped. Where TF1's update differs from Keras', the TF1 one is kept: RMSProp's
mean-square accumulator starts at 1 (see `RMSPropOptimizer`).
"""
import types

import torch

from tkeras import optimizers
from tkeras.compat.tf_namespace._checkpoint_manager import (  # noqa: F401 - tf.train's names
    CheckpointManager, CheckpointReader, get_checkpoint_state, latest_checkpoint, list_variables, load_checkpoint,
    load_variable,
)
from tkeras.compat.tf_namespace._example_proto import (  # noqa: F401 - tf.train's record classes
    BytesList, Example, Feature, FeatureList, FeatureLists, Features, FloatList, Int64List, SequenceExample,
)
from tkeras.compat.tf_namespace._unsupported import Namespace, module_getattr
from tkeras.compat.tf_namespace.checkpoint import Checkpoint, CheckpointLoadStatus  # noqa: F401


def GradientDescentOptimizer(learning_rate, use_locking=False, name="GradientDescent"):  # noqa: N802
    return optimizers.SGD(learning_rate=learning_rate)


def MomentumOptimizer(learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):  # noqa: N802
    return optimizers.SGD(learning_rate=learning_rate, momentum=momentum, nesterov=use_nesterov)


def AdamOptimizer(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-08, use_locking=False,  # noqa: N802
                  name="Adam"):
    return optimizers.Adam(learning_rate=learning_rate, beta_1=beta1, beta_2=beta2, epsilon=epsilon)


def RMSPropOptimizer(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,  # noqa: N802
                     centered=False, name="RMSProp"):
    """Keras' RMSprop with TF1's starting state: the mean square of each variable begins at 1, not 0.

    The rest of the update is already TF1's (`ms = decay * ms + (1 - decay) * g^2`,
    `mom = momentum * mom + lr * g / sqrt(ms + epsilon)`, `var -= mom`; centered subtracts the squared
    mean gradient inside the root). Starting at 1 keeps TF1's first steps near `lr * g` for small
    gradients, where Keras' first step is `lr * sign(g) / sqrt(1 - decay)` (3.2 lr at decay=0.9) whatever
    the gradient's size; a TF1 script tuned for the former trains as it did. The object stays a plain
    `RMSprop` (its saved state carries the accumulator on).
    """
    optimizer = optimizers.RMSprop(learning_rate=learning_rate, rho=decay, momentum=momentum, epsilon=epsilon,
                                   centered=centered)
    optimizer._build_slots = types.MethodType(_tf1_rmsprop_slots, optimizer)
    return optimizer


def _tf1_rmsprop_slots(optimizer, variables):
    type(optimizer)._build_slots(optimizer, variables)
    if variables:  # the newest len(variables) velocities belong to them
        with torch.no_grad():
            for slot in optimizer._slots["velocity"][-len(variables):]:
                slot.fill_(1.0)


def AdagradOptimizer(learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):  # noqa: N802
    return optimizers.Adagrad(learning_rate=learning_rate, initial_accumulator_value=initial_accumulator_value)


def AdadeltaOptimizer(learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False, name="Adadelta"):  # noqa: N802
    return optimizers.Adadelta(learning_rate=learning_rate, rho=rho, epsilon=epsilon)


Optimizer = optimizers.Optimizer
CheckpointOptions = Namespace  # accepted and ignored: tkeras checkpoints have no I/O options
experimental = Namespace("tf.train.experimental")


class ExponentialMovingAverage:
    """Shadow copies of variables that trail them by `decay` per `apply`, e.g. to evaluate with
    smoothed weights. With `num_updates`, early averages move faster: the decay used is
    min(decay, (1 + n) / (10 + n)), so the shadows are not stuck near their initial values."""

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        if zero_debias:
            raise NotImplementedError("ExponentialMovingAverage: zero_debias=True is not supported in tkeras")
        self._decay = decay
        self._num_updates = num_updates
        self._name = name
        self._averages = {}  # id(variable) -> shadow Variable, apply order

    @property
    def name(self):
        return self._name

    def _current_decay(self):
        decay = float(self._decay.numpy() if hasattr(self._decay, "numpy") else self._decay)
        if self._num_updates is not None:
            n = float(self._num_updates.numpy() if hasattr(self._num_updates, "numpy") else self._num_updates)
            decay = min(decay, (1.0 + n) / (10.0 + n))
        return decay

    def apply(self, var_list=None):
        from tkeras.compat.tf_namespace._variable import Variable
        variables = list(var_list or [])
        for variable in variables:
            if not isinstance(variable, torch.Tensor) or not variable.is_floating_point():
                raise TypeError(f"ExponentialMovingAverage.apply: `var_list` must hold float variables, received "
                                f"{type(variable).__name__} of dtype {getattr(variable, 'dtype', None)}")
            if id(variable) not in self._averages:
                self._averages[id(variable)] = Variable(variable.detach().clone(), trainable=False,
                                                        name=self.average_name(variable))
        decay = self._current_decay()
        with torch.no_grad():
            for variable in variables:
                shadow = self._averages[id(variable)]
                shadow.assign(shadow - (1.0 - decay) * (shadow - variable.detach()))

    def average(self, var):
        return self._averages.get(id(var))

    def average_name(self, var):
        base = str(getattr(var, "name", "Variable")).split(":")[0]
        return f"{base}/{self._name}"

    @property
    def variables(self):
        return list(self._averages.values())


from tkeras.compat.tf_namespace._train_extra import ClusterSpec, checkpoints_iterator  # noqa: E402,F401

__getattr__ = module_getattr("tf.train")
