"""`tf.train.*Optimizer`: TensorFlow 1's optimizer names, as tkeras optimizers for `compile` and tapes.

TF1 scripts write `model.compile(optimizer=tf.train.AdamOptimizer(0.001), ...)`. Each name builds the
Keras optimizer with the same update rule, its TF1 argument names (`beta1`, `use_nesterov`, `decay`)
and TF1 defaults mapped. Where TF1's update differs from Keras', the TF1 one is kept: RMSProp's
mean-square accumulator starts at 1 (see `RMSPropOptimizer`).
"""
import types

import torch

from tkeras import optimizers
from tkeras.compat.tf_namespace._unsupported import module_getattr


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

__getattr__ = module_getattr("tf.train")
