"""`tf.train.*Optimizer`: TensorFlow 1's optimizer names, as tkeras optimizers for `compile` and tapes.

TF1 scripts write `model.compile(optimizer=tf.train.AdamOptimizer(0.001), ...)`. Each name builds the
Keras optimizer with the same update rule, its TF1 argument names (`beta1`, `use_nesterov`, `decay`)
and TF1 defaults mapped. The Keras update formulas apply (TF1's RMSProp started its mean-square
accumulator at 1 rather than 0; the first steps differ slightly).
"""
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
    return optimizers.RMSprop(learning_rate=learning_rate, rho=decay, momentum=momentum, epsilon=epsilon,
                              centered=centered)


def AdagradOptimizer(learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):  # noqa: N802
    return optimizers.Adagrad(learning_rate=learning_rate, initial_accumulator_value=initial_accumulator_value)


def AdadeltaOptimizer(learning_rate=0.001, rho=0.95, epsilon=1e-08, use_locking=False, name="Adadelta"):  # noqa: N802
    return optimizers.Adadelta(learning_rate=learning_rate, rho=rho, epsilon=epsilon)


Optimizer = optimizers.Optimizer

__getattr__ = module_getattr("tf.train")
