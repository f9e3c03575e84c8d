"""Keras 3's geometric and mixing augmentation layers (RandomShear, RandomPerspective,
RandomElasticTransform, RandomErasing, CutMix, MixUp, RandAugment, AugMix) against real Keras 3.15.1.

Pixel outputs are compared (0..1 scale, within 1e-4) with tests/fixtures/image_augmentation_reference.npz
where the parameters were handed to Keras (shears, corner moves, boxes, mix weights, permutations) or
where nothing is random (RandAugment's operations at factor 0). The draws are checked statistically:
the share of images changed, Beta-distributed mix weights, labels that still sum to 1, boxes whose
area matches the label weights.
"""
import os

import numpy as np
import pytest
import torch

from tkeras import layers
from tkeras.layers.preprocessing.image import _image_ops
from tkeras.layers.preprocessing.image.rand_augment import OPERATIONS

REFERENCE = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "image_augmentation_reference.npz"))
T = torch.as_tensor


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _close(actual, expected, scale=255.0):
    np.testing.assert_allclose(_np(actual) / scale, expected / scale, rtol=0, atol=1e-4)


def _transform(layer, x, params, method="transform"):
    images, layout = _image_ops.to_nchw("test", T(x), layer.data_format, torch.float32)
    return _image_ops.from_nchw(getattr(layer, method)(images, params), layout)


# -- pinned parameters ------------------------------------------------------------------------------
@pytest.mark.parametrize("fill_mode", ["reflect", "constant", "wrap", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_shear_matches_keras(fill_mode, interpolation):
    case = f"shear/{fill_mode}_{interpolation}"
    layer = layers.RandomShear(0.5, 0.5, fill_mode=fill_mode, fill_value=9.0, interpolation=interpolation)
    _close(_transform(layer, REFERENCE[f"{case}/x"], T(REFERENCE[f"{case}/shear"])), REFERENCE[f"{case}/y"])


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_perspective_matches_keras(interpolation):
    case = f"perspective/{interpolation}"
    params = {name: T(REFERENCE[f"{case}/{name}"]) for name in ("apply", "start_points", "end_points")}
    y = _transform(layers.RandomPerspective(fill_value=5.0, interpolation=interpolation), REFERENCE[f"{case}/x"], params)
    _close(y, REFERENCE[f"{case}/y"])


def test_erasing_matches_keras():
    params = {"corners": T(REFERENCE["erasing/pinned/corners"]), "apply": T(REFERENCE["erasing/pinned/apply"])}
    _close(_transform(layers.RandomErasing(fill_value=7.0), REFERENCE["erasing/pinned/x"], params),
           REFERENCE["erasing/pinned/y"])


def test_cutmix_images_and_labels_match_keras():
    params = {"corners": T(REFERENCE["cutmix/pinned/corners"]),
              "permutation": T(REFERENCE["cutmix/pinned/permutation"]).long(), "size": (9, 11)}
    layer = layers.CutMix()
    _close(_transform(layer, REFERENCE["cutmix/pinned/x"], params), REFERENCE["cutmix/pinned/y"])
    labels = layer.transform_labels(T(REFERENCE["cutmix/pinned/labels"]), params)
    np.testing.assert_allclose(_np(labels), REFERENCE["cutmix/pinned/y_labels"], atol=1e-6)


def test_mixup_images_and_labels_match_keras():
    params = {"weight": T(REFERENCE["mixup/pinned/mix_weight"]),
              "permutation": T(REFERENCE["mixup/pinned/permutation"]).long()}
    layer = layers.MixUp()
    _close(_transform(layer, REFERENCE["mixup/pinned/x"], params), REFERENCE["mixup/pinned/y"])
    labels = layer.transform_labels(T(REFERENCE["mixup/pinned/labels"]), params)
    np.testing.assert_allclose(_np(labels), REFERENCE["mixup/pinned/y_labels"], atol=1e-6)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_rand_augment_operations_at_factor_zero_match_keras(operation):
    x = REFERENCE["rand_augment/x"]
    layer = getattr(layers.RandAugment(factor=0.0), operation)
    _close(layer(x, training=True), REFERENCE[f"rand_augment/candidate/{operation}"])


def _candidates():
    return [REFERENCE[f"rand_augment/candidate/{name}"] for name in OPERATIONS]


def test_rand_augment_output_is_one_of_keras_operations():
    x = REFERENCE["rand_augment/x"]
    layer = layers.RandAugment(factor=0.0, num_ops=1, seed=2)
    seen = set()
    for _ in range(12):
        y = _np(layer(x, training=True))
        errors = [np.abs(y - c).max() for c in _candidates()]
        assert min(errors) < 0.03
        seen.add(int(np.argmin(errors)))
    assert len(seen) >= 3  # the choice varies between calls
    np.testing.assert_array_equal(_np(layers.RandAugment(num_ops=0)(x)), x)


def test_aug_mix_blends_the_image_with_one_operation():
    """One chain of one pick: the output lies on the segment from the image to that pick's result."""
    x = REFERENCE["rand_augment/x"]
    layer = layers.AugMix(factor=0.0, num_chains=1, chain_depth=1, seed=4)
    for _ in range(6):
        y = _np(layer(x, training=True))
        residuals = []
        for candidate in [x] + _candidates():
            direction = (candidate - x).ravel()
            t = float(direction @ (y - x).ravel() / max(direction @ direction, 1e-12))
            residuals.append((np.abs(x + t * (candidate - x) - y).max(), t))
        residual, t = min(residuals)
        assert residual < 0.05 and -1e-4 <= t <= 1 + 1e-4


# -- randomness -------------------------------------------------------------------------------------
def _images(n, size=8, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, size, size, 3)).astype("float32")


def _changed(x, y):
    return np.abs(_np(y) - x).reshape(len(x), -1).max(axis=1) > 1e-3


@pytest.mark.parametrize("cls,kwargs,fraction", [
    (layers.RandomErasing, {}, 0.5), (layers.RandomErasing, {"factor": (0.3, 0.3)}, 0.3),
    (layers.RandomPerspective, {}, 0.5), (layers.RandomPerspective, {"factor": (1.0, 1.0)}, 1.0),
    (layers.RandomElasticTransform, {}, 0.5),
])
def test_fraction_of_images_changed_follows_the_factor(cls, kwargs, fraction):
    x = _images(400)
    assert abs(_changed(x, cls(**kwargs, seed=1)(x, training=True)).mean() - fraction) < 0.07


def test_erased_boxes_have_the_scale_and_the_fill():
    x = _images(300, size=20) + 1.0  # no pixel equals the fill
    y = _np(layers.RandomErasing(factor=(1.0, 1.0), scale=(0.1, 0.3), fill_value=0.0, seed=2)(x))
    area = (y == 0.0).all(axis=-1).reshape(300, -1).mean(axis=1)
    assert np.all((area > 0.05) & (area < 0.4))  # sqrt(s1 * s2) in [0.1, 0.3], up to whole pixels
    assert np.all((y == 0.0) | (y == x))


def test_mixup_weights_are_beta_and_labels_sum_to_one():
    layer = layers.MixUp(alpha=0.2, seed=3)
    weights = _np(layer.draw(torch.zeros(4000, 1, 1, 1))["weight"])
    assert abs(weights.mean() - 0.5) < 0.03 and abs(weights.var() - 1 / (4 * (2 * 0.2 + 1))) < 0.02
    x, labels = _images(32), np.eye(4, dtype="float32")[np.arange(32) % 4]
    out = layer({"images": x, "labels": labels})
    np.testing.assert_allclose(_np(out["labels"]).sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(_np(layers.MixUp()(x, training=False)), x)


def test_cutmix_label_weights_follow_the_pasted_area_and_masks_move_with_pixels():
    n, size = 64, 32
    x = np.broadcast_to(np.arange(n, dtype="float32").reshape(n, 1, 1, 1), (n, size, size, 3)).copy()
    labels = np.eye(n, dtype="float32")
    masks = x[..., :1].copy()
    out = layers.CutMix(seed=5)({"images": x, "labels": labels, "segmentation_masks": masks})
    images, mixed = _np(out["images"]), _np(out["labels"])
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(_np(out["segmentation_masks"])[..., 0], images[..., 0])
    own = (images[..., 0] == np.arange(n).reshape(n, 1, 1)).reshape(n, -1).mean(axis=1)
    pasted = own < 1
    assert pasted.mean() > 0.5
    np.testing.assert_allclose(own[pasted], mixed[np.arange(n), np.arange(n)][pasted], atol=0.08)


def test_shear_draws_both_signs_within_the_factor():
    shear = _np(layers.RandomShear(x_factor=(0.1, 0.3), seed=0).draw(torch.zeros(2000, 3, 1, 1)))
    assert np.all((np.abs(shear[:, 0]) >= 0.1 - 1e-7) & (np.abs(shear[:, 0]) <= 0.3 + 1e-7))
    assert np.all(shear[:, 1] == 0) and abs((shear[:, 0] > 0).mean() - 0.5) < 0.05


def test_elastic_transform_stays_in_range_is_seeded_and_off_at_scale_zero():
    x = _images(8, size=16)
    a = _np(layers.RandomElasticTransform(factor=(1.0, 1.0), seed=7)(x))
    b = _np(layers.RandomElasticTransform(factor=(1.0, 1.0), seed=7)(x))
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0 and a.max() <= 255 and _changed(x, a).all()
    np.testing.assert_array_equal(_np(layers.RandomElasticTransform(scale=0.0)(x)), x)


ALL = [(layers.RandomShear, {"x_factor": 0.3}), (layers.RandomPerspective, {"factor": (1.0, 1.0)}),
       (layers.RandomElasticTransform, {"factor": (1.0, 1.0)}), (layers.RandomErasing, {"factor": (1.0, 1.0)}),
       (layers.CutMix, {}), (layers.MixUp, {}), (layers.RandAugment, {}), (layers.AugMix, {})]


@pytest.mark.parametrize("cls,kwargs", ALL, ids=[c.__name__ for c, _ in ALL])
def test_identity_at_inference_and_single_images(cls, kwargs):
    x = _images(4, size=12)
    np.testing.assert_array_equal(_np(cls(**kwargs)(x, training=False)), x)
    assert _np(cls(**kwargs, seed=1)(x[0], training=True)).shape == x[0].shape
    first = cls(**kwargs, seed=1, data_format="channels_first")(x.transpose(0, 3, 1, 2), training=True)
    assert _np(first).shape == (4, 3, 12, 12)


def test_configs_and_argument_errors():
    assert layers.RandomShear(0.1).get_config()["x_factor"] == [-0.1, 0.1]
    assert layers.RandomErasing(scale=0.5).get_config()["scale"] == [0, 0.5]
    assert layers.AugMix().get_config()["factor"] == [0, 0.3]
    with pytest.raises(ValueError, match=r"RandomShear: `x_factor` must be a number in \[0, 1\]"):
        layers.RandomShear(x_factor=1.5)
    with pytest.raises(ValueError, match=r"RandomPerspective: `scale` must be a number in \[0, 1\]"):
        layers.RandomPerspective(scale=2)
    with pytest.raises(ValueError, match="RandomErasing: `fill_value` must be None"):
        layers.RandomErasing(fill_value=(1, 2))
    with pytest.raises(ValueError, match="MixUp: `alpha` must be a positive number"):
        layers.MixUp(alpha=0)
    with pytest.raises(ValueError, match="RandomElasticTransform: `fill_mode` must be one of"):
        layers.RandomElasticTransform(fill_mode="edge")
    with pytest.raises(ValueError, match="AugMix: `num_chains` must be a positive integer"):
        layers.AugMix(num_chains=0)


@pytest.mark.parametrize("cls,kwargs", [
    (layers.RandAugment, {"num_ops": 1, "factor": 0.5}),
    (layers.AugMix, {"num_chains": 1, "chain_depth": 1, "factor": 0.5}),
])
def test_segmentation_masks_follow_the_geometric_operations_only(cls, kwargs):
    """Grey images equal to their masks: after a geometric pick the mask moved as the image did;
    after a colour pick the mask is untouched."""
    index = np.arange(12 * 12, dtype="float32").reshape(1, 12, 12, 1) % 200 + 20
    x = np.repeat(np.repeat(index, 3, axis=-1), 4, axis=0)
    layer = cls(**kwargs, interpolation="nearest", seed=6)
    moved = 0
    for _ in range(16):
        out = layer({"images": x, "segmentation_masks": x[..., :1].copy()})
        images, masks = _np(out["images"]), _np(out["segmentation_masks"])
        unchanged = np.abs(masks - x[..., :1]).max() < 1e-4
        assert unchanged or np.abs(masks - images[..., :1]).max() < 1e-3
        moved += not unchanged
    assert 0 < moved < 16
