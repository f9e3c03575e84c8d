"""A persistent tape asked for a gradient inside its own block records that gradient (Hands-On ML 3,
extra_autodiff): differentiating it again later gives the Hessian of f = x^2 y + y + 2."""
from tkeras.compat import tf_namespace as tf


def test_gradient_inside_a_persistent_tape_is_differentiable_again():
    x, y = tf.Variable(3.0), tf.Variable(4.0)
    with tf.GradientTape(persistent=True) as tape:
        f = x * x * y + y + 2
        df_dx, df_dy = tape.gradient(f, [x, y])
    d2f_dx2, d2f_dydx = tape.gradient(df_dx, [x, y])
    d2f_dxdy, d2f_dy2 = tape.gradient(df_dy, [x, y])
    del tape
    assert float(df_dx) == 2 * 3.0 * 4.0 and float(df_dy) == 3.0 ** 2 + 1
    assert float(d2f_dx2) == 2 * 4.0  # 2y
    assert float(d2f_dydx) == 2 * 3.0 and float(d2f_dxdy) == 2 * 3.0  # 2x
    assert d2f_dy2 is None  # df/dy = x^2 + 1 does not depend on y


def test_gradient_after_the_block_carries_no_graph():
    x = tf.Variable(3.0)
    with tf.GradientTape(persistent=True) as tape:
        f = x ** 3
    first = tape.gradient(f, x)
    assert float(first) == 27.0 and not first.requires_grad
    assert tape.gradient(first, x) is None
