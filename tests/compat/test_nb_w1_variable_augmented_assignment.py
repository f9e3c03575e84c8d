"""`v += x` on a tf.Variable: TensorFlow refuses `+=`, `-=`, `*=`, `/=` and `**=` with a RuntimeError naming
`assign_add` / `assign`, and binds a new tensor for `//=`, `%=` and `@=`; the variable never changes.
torch wrote into the variable in place (a non-trainable one silently), or failed with autograd's
"leaf Variable ... in-place operation". *시작하세요! 텐서플로 2.0 프로그래밍* chapter 4 fits its
coefficients as tf.Variables, where a reader's `a -= lr * grad` must meet TensorFlow's answer."""
import re

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf


@pytest.mark.parametrize("trainable", [True, False])
@pytest.mark.parametrize("update, advice", [
    (lambda v: v.__iadd__(1.0), "assign_add"), (lambda v: v.__isub__(1.0), "assign_sub"),
    (lambda v: v.__imul__(2.0), "assign("), (lambda v: v.__itruediv__(2.0), "assign("),
    (lambda v: v.__ipow__(2.0), "assign("),
])
def test_refused_like_tensorflow_and_the_variable_is_unchanged(update, advice, trainable):
    variable = tf.Variable([3.0, 4.0], trainable=trainable)
    with pytest.raises(RuntimeError, match=re.escape(advice)):
        update(variable)
    np.testing.assert_array_equal(variable.numpy(), [3.0, 4.0])


def test_other_augmented_assignments_bind_a_new_tensor():
    variable = tf.Variable([[3.0, 4.0]], trainable=False)
    name = variable
    name //= 2.0
    np.testing.assert_array_equal(np.asarray(name), [[1.0, 2.0]])
    name = variable
    name %= 3.0
    np.testing.assert_array_equal(np.asarray(name), [[0.0, 1.0]])
    name = variable
    name @= tf.constant([[1.0], [1.0]])
    np.testing.assert_array_equal(np.asarray(name), [[7.0]])
    np.testing.assert_array_equal(variable.numpy(), [[3.0, 4.0]])


def test_assign_add_still_changes_the_variable():
    variable = tf.Variable(1.0)
    variable.assign_add(2.0)
    assert float(variable.numpy()) == 3.0
