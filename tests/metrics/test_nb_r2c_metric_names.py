"""Metric names as Keras hands them out: a metric made without a name gets a process-unique one (a second
`HuberMetric()` is `huber_metric_1`, a second `AUC()` is `auc_1`) and that name is the history key, while
built-ins whose signature has a default name (`Mean(name="mean")`, `MeanAbsoluteError`, ...) keep it for
every instance. Recorded from Keras 3.15.1 and tf-keras 2.21 (they agree except where noted) by
tests/fixtures/make_nb_r2c_metric_names_reference.py."""
import json
import os

import pytest

import tkeras as keras

_REFERENCE = json.load(open(os.path.join(os.path.dirname(__file__), "..", "fixtures",
                                         "nb_r2c_metric_names_reference.json")))
_REQUIRED_ARGS = {
    "MeanIoU": (3,), "IoU": (3, [0]), "OneHotIoU": (3, [0]), "OneHotMeanIoU": (3,), "BinaryIoU": (),
    "PrecisionAtRecall": (0.5,), "RecallAtPrecision": (0.5,), "SensitivityAtSpecificity": (0.5,),
    "SpecificityAtSensitivity": (0.5,), "MeanRelativeError": ([1.0],), "MeanMetricWrapper": (lambda a, b: a,),
}
# tf-keras 2 calls KLDivergence 'kullback_leibler_divergence'; tkeras follows Keras 3's 'kl_divergence'.
_KERAS_VERSIONS_DISAGREE = {"KLDivergence"}


def _recorded_builtin_names():
    names = {cls: pair for cls, pair in _REFERENCE["tf_keras_2"]["names"].items()  # MeanRelativeError: only here
             if cls not in _KERAS_VERSIONS_DISAGREE}
    names.update(_REFERENCE["keras_3"]["names"])
    return sorted((cls, pair) for cls, pair in names.items() if not cls.startswith("<"))


class HuberMetric(keras.metrics.Metric):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight(name="total", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.total.assign_add(keras.ops.sum(y_pred))

    def result(self):
        return self.total


@pytest.mark.parametrize("cls_name, expected", _recorded_builtin_names())
def test_two_unnamed_builtins_are_named_as_in_keras(cls_name, expected):
    cls = getattr(keras.metrics, cls_name, None)
    if cls is None:
        pytest.skip(f"tkeras has no keras.metrics.{cls_name}")
    keras.backend.clear_session()
    assert [cls(*_REQUIRED_ARGS.get(cls_name, ())).name for _ in range(2)] == expected


def test_user_subclass_gets_numbered_names_and_an_explicit_name_is_kept():
    keras.backend.clear_session()
    got = [HuberMetric().name, HuberMetric().name, HuberMetric(name="hm").name]
    assert got == _REFERENCE["keras_3"]["names"]["<user subclass HuberMetric>"]
    assert got == _REFERENCE["tf_keras_2"]["names"]["<user subclass HuberMetric>"]


def test_history_keys_carry_the_numbered_names():
    keras.backend.clear_session()
    for _ in range(2):  # the reference script made two of each first
        HuberMetric()
    for _ in range(2):
        keras.metrics.AUC()
    x, y = keras.ops.ones((8, 3)), keras.ops.ones((8, 1))
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse", metrics=[HuberMetric(), HuberMetric(), keras.metrics.AUC()])
    history = model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y))
    assert sorted(history.history) == _REFERENCE["keras_3"]["history_keys"]
    assert sorted(history.history) == _REFERENCE["tf_keras_2"]["history_keys"]
    keras.backend.clear_session()
