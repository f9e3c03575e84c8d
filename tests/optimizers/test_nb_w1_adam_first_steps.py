"""Adam's first steps on float32 variables as Keras takes them: the bias corrections raise the betas, cast
to float32 (0.999 is 0.99900001...), to the power of the step in float32, which makes early steps ~6e-6
shorter than exact powers would. *시작하세요! 텐서플로 2.0 프로그래밍* chapter 4 prints `a` and `b` of
its Adam line fit; they now agree with TensorFlow's to the last digit or two. Checked against values
recorded from tf-keras 2.21 (tests/fixtures/make_nb_w1_adam_first_steps_reference.py); float64
variables keep float64 powers (tests/optimizers/test_updates.py)."""
import json
import os

import numpy as np

from tkeras.compat import tf_namespace as tf

with open(os.path.join(os.path.dirname(__file__), "..", "fixtures", "nb_w1_adam_first_steps_reference.json")) as f:
    REFERENCE = json.load(f)


def test_book_line_fit_matches_keras_step_by_step():
    x, y = REFERENCE["x"], REFERENCE["y"]
    a, b = tf.Variable(REFERENCE["start"][0]), tf.Variable(REFERENCE["start"][1])

    def compute_loss():
        return tf.reduce_mean((y - (a * x + b)) ** 2)

    optimizer = tf.keras.optimizers.Adam(learning_rate=REFERENCE["learning_rate"])
    recorded = {record["step"]: record for record in REFERENCE["steps"]}
    for step in range(1, max(recorded) + 1):
        optimizer.minimize(compute_loss, var_list=[a, b])
        if step in recorded:
            # One or two float32 ulps; exact bias corrections were 5e-7 away after the first step.
            np.testing.assert_allclose([float(a.numpy()), float(b.numpy())],
                                       [recorded[step]["a"], recorded[step]["b"]], rtol=0, atol=1.2e-7)
