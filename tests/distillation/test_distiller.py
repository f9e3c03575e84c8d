"""keras.distillation against real Keras 3.15.1's figures (tests/fixtures/distillation_reference.json,
written by tests/fixtures/check_distillation_in_real_keras.py from the same teacher, student and data):
losses and trackers, evaluate's logs, the student after one SGD step, configs and error messages;
then what the reference cannot show: files, a frozen teacher, and the loss written out by hand."""
import json
import os

import numpy as np
import pytest

import tkeras as keras
from tests.fixtures.check_distillation_in_real_keras import build, cases, errors

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")
with open(os.path.join(FIXTURES, "distillation_reference.json")) as handle:
    REFERENCE = json.load(handle)


def _compiled(name):
    kwargs, student_loss = cases(keras)[name]
    teacher, student, x, y = build(keras)
    distiller = keras.distillation.Distiller(teacher, student, **kwargs)
    distiller.compile(optimizer=keras.optimizers.SGD(0.1), loss=student_loss, metrics=["accuracy"])
    return distiller, teacher, student, x, y


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_losses_logs_and_one_training_step_match_keras(name):
    want = REFERENCE["cases"][name]
    distiller, teacher, student, x, y = _compiled(name)
    total = distiller.compute_loss(x, y, distiller(x))
    np.testing.assert_allclose(float(total), want["total"], rtol=1e-5, atol=1e-6)
    for tracker in (distiller.student_loss_tracker, distiller.distillation_loss_tracker, distiller.total_loss_tracker):
        np.testing.assert_allclose(float(tracker.result()), want["trackers"][tracker.name], rtol=1e-5, atol=1e-6)
    logs = distiller.evaluate(x, y, batch_size=6, verbose=0, return_dict=True)
    assert sorted(logs) == sorted(want["evaluate"])
    for key, value in want["evaluate"].items():
        np.testing.assert_allclose(logs[key], value, rtol=1e-5, atol=1e-6, err_msg=key)
    teacher_before = [w.copy() for w in teacher.get_weights()]
    history = distiller.fit(x, y, batch_size=6, epochs=1, shuffle=False, verbose=0)
    assert sorted(history.history) == want["fit_keys"]
    for got, expected in zip(student.get_weights(), want["student_weights"]):
        np.testing.assert_allclose(got, np.array(expected, dtype="float32"), rtol=1e-5, atol=1e-6)
    for got, before in zip(teacher.get_weights(), teacher_before):
        np.testing.assert_array_equal(got, before)
    assert teacher.trainable is want["teacher_trainable"] is False


@pytest.mark.parametrize("name", sorted(REFERENCE["cases"]))
def test_configs_match_keras(name):
    want = REFERENCE["cases"][name]
    distiller, *_ = _compiled(name)
    assert [fn.get_config() for fn in distiller.distillation_losses] == want["distillation_loss_configs"]
    assert sorted(distiller.get_config()) == want["config_keys"]


@pytest.mark.parametrize("name", sorted(REFERENCE["errors"]))
def test_bad_arguments_raise_what_keras_raises(name):
    kind, message = REFERENCE["errors"][name]
    with pytest.raises(Exception) as raised:  # noqa: PT011 - the type is compared with Keras' below
        errors(keras)[name]()
    assert type(raised.value).__name__ == kind
    if name == "unknown_layer":  # tkeras quotes the name: No such layer: 'nope'
        assert str(raised.value).startswith("In teacher model: No such layer") and "nope" in str(raised.value)
    else:
        assert str(raised.value) == message


def test_logits_distillation_with_a_kl_instance_is_the_tempered_softmax_formula():
    """Written out in NumPy: T^2 * mean over samples of sum p_t * log(p_t / p_s), p = softmax(z / T)."""
    teacher, student, x, _ = build(keras)
    temperature = 2.5
    loss = keras.distillation.LogitsDistillation(temperature, keras.losses.KLDivergence())
    t_logits = teacher.predict(x, verbose=0) / temperature
    s_logits = student.predict(x, verbose=0) / temperature

    def softmax(z):
        e = np.exp(z - z.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    p_t, p_s = softmax(t_logits.astype("float64")), softmax(s_logits.astype("float64"))
    expected = temperature ** 2 * np.mean(np.sum(p_t * np.log(p_t / p_s), axis=-1))
    got = loss.compute_loss(teacher(x), student(x))
    np.testing.assert_allclose(float(got), expected, rtol=1e-5)


def test_feature_distillation_skips_outputs_whose_loss_is_none():
    loss = keras.distillation.FeatureDistillation(loss=["mse", None])
    a, b = np.ones((3, 2), "float32"), np.zeros((3, 2), "float32")
    got = loss.compute_loss([keras.ops.convert_to_tensor(a), keras.ops.convert_to_tensor(a)],
                            [keras.ops.convert_to_tensor(b), keras.ops.convert_to_tensor(a * 9)])
    assert float(got) == pytest.approx(1.0)  # mse of ones against zeros; the second pair is ignored
    with pytest.raises(ValueError, match="Loss structure mismatch"):
        loss.validate_outputs(a, b)


def test_a_distiller_round_trips_through_its_config_and_a_keras_file(tmp_path):
    distiller, teacher, student, x, y = _compiled("several_weighted")
    distiller.fit(x, y, batch_size=6, epochs=1, verbose=0)
    again = keras.distillation.Distiller.from_config(distiller.get_config())
    assert [type(fn).__name__ for fn in again.distillation_losses] == ["LogitsDistillation", "FeatureDistillation"]
    assert again.distillation_loss_weights == [1.0, 0.5] and again.student_loss_weight == 0.3
    path = str(tmp_path / "distiller.keras")
    distiller.save(path)
    with pytest.warns(UserWarning, match="not compiled"):  # Keras' Distiller refuses compile(loss=None) too
        loaded = keras.models.load_model(path)
    assert type(loaded) is keras.distillation.Distiller and loaded.teacher.trainable is False
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), distiller.predict(x, verbose=0))
    np.testing.assert_array_equal(loaded.teacher.predict(x, verbose=0), teacher.predict(x, verbose=0))
    assert loaded.distillation_losses[1].teacher_layer_name == "t_hidden"


def test_only_the_student_trains():
    distiller, teacher, student, *_ = _compiled("features_named")
    assert {id(w) for w in distiller.trainable_weights} == {id(w) for w in student.trainable_weights}
