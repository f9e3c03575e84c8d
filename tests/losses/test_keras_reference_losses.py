"""The losses of issue 13 against real Keras 3.15.1 (every reduction, with and without sample weights,
the function forms and configs), and tf.keras 2's `losses.Reduction`.

The numbers come from tests/fixtures/metrics_losses_reference.json, written by real Keras with
tests/fixtures/make_metrics_losses_reference.py on inputs stored in the same file.
"""
import json
import os

import numpy as np
import pytest

from tkeras import losses

FIXTURE = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures", "metrics_losses_reference.json")
with open(FIXTURE) as f:
    REFERENCE = json.load(f)
CLASS_CASES = {case["id"]: case for case in REFERENCE["losses"] if "class" in case}
FUNCTION_CASES = {case["id"]: case for case in REFERENCE["losses"]}


def _as_stored(values):
    """The fixture's lists as the arrays Keras was given: float32, or int32 for labels."""
    array = np.asarray(values)
    return array.astype(np.float32 if array.dtype.kind == "f" else np.int32)


def _close(got, expected, case_id):
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected, dtype=np.float32), rtol=1e-5, atol=1e-5,
                               err_msg=case_id)


@pytest.mark.parametrize("case_id", sorted(CLASS_CASES))
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
def test_loss_objects_match_keras(case_id, reduction):
    case = CLASS_CASES[case_id]
    loss = getattr(losses, case["class"])(reduction=reduction, **case["kwargs"])
    y_true, y_pred = _as_stored(case["y_true"]), _as_stored(case["y_pred"])
    expected = case["results"][reduction]
    _close(loss(y_true, y_pred, sample_weight=_as_stored(case["sample_weight"])), expected["weighted"], case_id)
    _close(loss(y_true, y_pred), expected["unweighted"], case_id)


@pytest.mark.parametrize("case_id", sorted(FUNCTION_CASES))
def test_function_forms_match_keras(case_id):
    case = FUNCTION_CASES[case_id]
    kwargs = {k: v for k, v in case.get("kwargs", {}).items() if k != "name"}
    kwargs.update(case.get("function_kwargs", {}))
    if case["function"] == "categorical_generalized_cross_entropy":
        kwargs.setdefault("q", 0.5)
    for key in ("ref_labels", "ref_embeddings"):
        if key in kwargs:
            kwargs[key] = _as_stored(kwargs[key])
    got = getattr(losses, case["function"])(_as_stored(case["y_true"]), _as_stored(case["y_pred"]), **kwargs)
    _close(got, case["function_out"], case_id)


@pytest.mark.parametrize("case_id", sorted(CLASS_CASES))
def test_configs_match_keras_and_round_trip(case_id):
    case = CLASS_CASES[case_id]
    cls = getattr(losses, case["class"])
    config = cls(**case["kwargs"]).get_config()
    assert config == case["config"]
    assert cls.from_config(config).get_config() == config
    restored = losses.deserialize(losses.serialize(cls(**case["kwargs"])))
    assert type(restored) is cls and restored.get_config() == config


def test_every_keras_losses_name_exists_and_strings_resolve():
    assert [name for name in REFERENCE["names"]["losses"] if not hasattr(losses, name)] == []
    for name in REFERENCE["names"]["loss_strings"]:
        if name in ("Loss", "LossFunctionWrapper"):  # abstract / needs a function: not made from a name
            continue
        found, public = losses.get(name), getattr(losses, name, None)
        if isinstance(public, type):
            assert type(found) is public, name
        else:  # a function or a short alias ('mse', 'BCE') of one
            assert callable(found) and (public is None or found is public), name


def test_circle_masks_samples_with_zero_loss_out_of_the_mean():
    case = FUNCTION_CASES["circle_reference_set"]
    values = losses.circle(_as_stored(case["y_true"]), _as_stored(case["y_pred"]),
                           ref_labels=_as_stored(case["function_kwargs"]["ref_labels"]),
                           ref_embeddings=_as_stored(case["function_kwargs"]["ref_embeddings"]),
                           remove_diagonal=False)
    assert values._keras_mask.tolist() == [v > 0 for v in case["function_out"]]


def test_generalized_crossentropy_rejects_q_outside_the_open_interval():
    for q in (0.0, 1.0, -0.5):
        with pytest.raises(ValueError, match=r"CategoricalGeneralizedCrossEntropy: `q` must lie in .*q=" + str(q)):
            losses.CategoricalGeneralizedCrossEntropy(q=q)


def test_ctc_names_the_expected_shapes():
    with pytest.raises(ValueError, match=r"ctc: y_true .* \(batch_size, max_label_length\).*\(3,\)"):
        losses.ctc(np.array([1, 2, 0]), np.zeros((3, 4, 5), dtype=np.float32))
    with pytest.raises(ValueError, match=r"ctc: y_pred .* \(batch_size, time_steps, num_classes\).*\(3, 4\)"):
        losses.ctc(np.array([[1, 2]] * 3), np.zeros((3, 4), dtype=np.float32))


# -- tf.keras 2: losses.Reduction ---------------------------------------------------------------------
TF_KERAS = REFERENCE["tf_keras"]


def test_every_tf_keras_losses_name_exists():
    assert [name for name in TF_KERAS["names"]["losses"] if not hasattr(losses, name)] == []


def test_reduction_constants_are_tf_keras_strings():
    for key, value in TF_KERAS["reduction"].items():
        assert getattr(losses.Reduction, key) == value
    assert list(losses.Reduction.all()) == TF_KERAS["reduction_all"]
    losses.Reduction.validate("sum")
    with pytest.raises(ValueError, match=r"losses.Reduction: 'average' is not a reduction"):
        losses.Reduction.validate("average")


@pytest.mark.parametrize("key", ["AUTO", "NONE", "SUM", "SUM_OVER_BATCH_SIZE"])
def test_loss_classes_accept_reduction_constants_as_tf_keras_computes(key):
    case = TF_KERAS["mse"]
    loss = losses.MeanSquaredError(reduction=getattr(losses.Reduction, key))
    got = loss(np.asarray(case["y_true"], np.float32), np.asarray(case["y_pred"], np.float32),
               sample_weight=np.asarray(case["sample_weight"], np.float32))
    _close(got, case["by_reduction"][key], key)
