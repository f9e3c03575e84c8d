"""evaluate() and test_on_batch() list every value a custom test_step returns (keras-io's
knowledge-distillation example reads `student_loss` from evaluate's list).

Keras orders the list as the model's metrics first, then the step's other entries by sorted name.
"""
import numpy as np

import tkeras as keras


class ExtraLogsModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = keras.layers.Dense(1, kernel_initializer="ones", use_bias=False)

    def call(self, x):
        return self.dense(x)

    def test_step(self, data):
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        results = {m.name: m.result() for m in self.metrics}
        results.update({"zeta": keras.ops.sum(y_pred), "alpha": keras.ops.max(y_pred)})
        return results


def _model():
    model = ExtraLogsModel()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    return model


def test_evaluate_appends_extra_step_entries_sorted_after_metrics():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    y = np.array([[3.0], [5.0]], "float32")
    model = _model()
    values = model.evaluate(x, y, batch_size=2, verbose=0)
    # predictions are the row sums: 3 and 7; mae = (0 + 2) / 2
    # loss = mse = (0 + 4) / 2
    np.testing.assert_allclose(values, [2.0, 1.0, 7.0, 10.0], rtol=1e-6)
    logs = model.evaluate(x, y, batch_size=2, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mae", "alpha", "zeta"}


def test_test_on_batch_lists_the_same_entries():
    x = np.array([[1.0, 2.0], [3.0, 4.0]], "float32")
    y = np.array([[3.0], [5.0]], "float32")
    values = _model().test_on_batch(x, y)
    np.testing.assert_allclose(values, [2.0, 1.0, 7.0, 10.0], rtol=1e-6)
