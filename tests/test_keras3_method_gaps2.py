"""Keras 3.15.1 methods tkeras lacked: MixUp/RandAugment boxes, MaxNumBoundingBoxes' transform methods,
the RNN layers' inner_loop, AUC.interpolate_pr_auc, the affine layers' box helpers, convert_weight,
FeatureSpace.save and OrbaxCheckpoint's status methods. Numbers from
tests/fixtures/make_keras3_method_gaps2_reference.py (real Keras, JAX backend)."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tkeras import layers

with open(os.path.join(os.path.dirname(__file__), "fixtures", "keras3_method_gaps2_reference.json")) as _f:
    REF = json.load(_f)


def _np(value):
    return np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)


# -- MixUp / CutMix / RandAugment with bounding boxes --------------------------------------------------
def test_mixup_joins_the_partner_boxes_like_keras():
    ref = REF["mixup"]
    layer = layers.MixUp(bounding_box_format="xyxy")
    batch = {"boxes": np.array(ref["boxes"], "float32"), "labels": np.array(ref["labels"])}
    out = layer.transform_bounding_boxes(batch,
                                         {"mix_weight": np.array(ref["mix_weight"]),
                                          "permutation_order": np.array(ref["permutation_order"])})
    np.testing.assert_allclose(_np(out["boxes"]), ref["out_boxes"])
    # Keras 3.15.1 stacks the labels on the batch axis ((2N, B)); tkeras keeps them per image ((N, 2B)),
    # holding the same values in step with the boxes.
    labels, order = np.array(ref["labels"]), ref["permutation_order"]
    np.testing.assert_allclose(_np(out["labels"]), np.concatenate([labels, labels[order]], axis=1))
    assert np.array(ref["out_labels"]).shape == (6, 2)
    np.testing.assert_allclose(np.array(ref["out_labels"]), np.concatenate([labels, labels[order]], axis=0))
    assert layer.transform_bounding_boxes({"boxes": np.array(ref["boxes"], "float32"),
                                           "labels": np.array(ref["labels"])}, None, training=False)["boxes"].shape \
        == (3, 2, 4)


def test_mixup_call_carries_boxes_in_any_format():
    images = torch.rand(3, 8, 8, 3)
    boxes = torch.tensor([[[0.1, 0.1, 0.5, 0.5]], [[0.2, 0.3, 0.6, 0.9]], [[0.0, 0.0, 1.0, 1.0]]])
    layer = layers.MixUp(bounding_box_format="rel_xyxy", seed=3)
    out = layer({"images": images, "bounding_boxes": {"boxes": boxes, "labels": torch.tensor([[1], [2], [3]])},
                 "labels": torch.eye(3)}, training=True)
    got, labels = _np(out["bounding_boxes"]["boxes"]), _np(out["bounding_boxes"]["labels"])
    assert got.shape == (3, 2, 4) and labels.shape == (3, 2)
    np.testing.assert_allclose(got[:, 0], _np(boxes[:, 0]), atol=1e-6)
    partners = labels[:, 1].astype(int) - 1
    np.testing.assert_allclose(got[:, 1], _np(boxes[partners, 0]), atol=1e-6)
    assert sorted(partners.tolist()) == [0, 1, 2]
    # inference leaves everything alone
    same = layer({"images": images, "bounding_boxes": {"boxes": boxes, "labels": torch.tensor([[1], [2], [3]])}},
                 training=False)
    assert tuple(same["bounding_boxes"]["boxes"].shape) == (3, 1, 4)


def test_cutmix_still_refuses_boxes_in_training_as_keras():
    layer = layers.CutMix(bounding_box_format="xyxy")
    with pytest.raises(NotImplementedError, match="CutMix cannot move bounding boxes"):
        layer({"images": torch.rand(2, 8, 8, 3),
               "bounding_boxes": {"boxes": torch.zeros(2, 1, 4), "labels": torch.zeros(2, 1)}}, training=True)


def test_randaugment_moves_boxes_through_its_geometric_picks_in_order():
    layer = layers.RandAugment(bounding_box_format="xyxy", num_ops=3, factor=0.6, seed=11)
    images = torch.rand(2, 16, 16, 3) * 255
    boxes = {"boxes": torch.tensor([[[2.0, 2.0, 8.0, 8.0]], [[4.0, 4.0, 12.0, 12.0]]]),
             "labels": torch.tensor([[1], [2]])}
    moved_once = False
    for _ in range(6):
        transformation = layer.get_random_transformation({"images": images})
        expected, height, width = boxes["boxes"].clone(), 16, 16
        for op, step in transformation["steps"]:
            if not op.boxes_unchanged:
                moved = op.move_boxes({"boxes": expected, "labels": boxes["labels"]}, step, height, width)
                expected = moved[0]["boxes"]
                moved_once = True
        got = layer.transform_bounding_boxes(boxes, transformation)
        np.testing.assert_allclose(_np(got["boxes"]), _np(expected), atol=1e-5)
        # the images go through the same picks
        assert tuple(layer.transform_images(images, transformation).shape) == (2, 16, 16, 3)
    assert moved_once
    out = layer({"images": images, "bounding_boxes": boxes}, training=True)
    assert tuple(out["bounding_boxes"]["boxes"].shape) == (2, 1, 4)
    assert float(out["bounding_boxes"]["boxes"].min()) >= 0 and float(out["bounding_boxes"]["boxes"].max()) <= 16


def test_randaugment_colour_only_picks_leave_boxes_alone():
    layer = layers.RandAugment(bounding_box_format="xyxy", num_ops=1, seed=0)
    images = torch.rand(1, 8, 8, 3) * 255
    transformation = layer.get_random_transformation({"images": images})
    transformation["steps"] = [(layer.random_brightness, transformation["steps"][0][1])
                               if transformation["steps"][0][0] is layer.random_brightness
                               else (layer.equalization, None)]
    boxes = {"boxes": torch.tensor([[[1.0, 1.0, 5.0, 6.0]]]), "labels": torch.tensor([[3]])}
    np.testing.assert_allclose(_np(layer.transform_bounding_boxes(boxes, transformation)["boxes"]), [[[1, 1, 5, 6]]])


# -- MaxNumBoundingBoxes -------------------------------------------------------------------------------
def test_max_num_bounding_boxes_methods_match_keras():
    ref, boxes = REF["max_num"], REF["mixup"]
    batch = {"boxes": np.array(boxes["boxes"], "float32"), "labels": np.array(boxes["labels"], "float32")}
    layer = layers.MaxNumBoundingBoxes(max_number=3, bounding_box_format="xyxy")
    assert layer.get_random_transformation({"images": np.zeros((3, 8, 8, 3))}) is None is ref["transformation"]
    padded = layer.transform_bounding_boxes(batch, None)
    np.testing.assert_allclose(_np(padded["boxes"]), ref["padded_boxes"])
    np.testing.assert_allclose(_np(padded["labels"]), ref["padded_labels"])
    cut = layers.MaxNumBoundingBoxes(max_number=1, bounding_box_format="xyxy").transform_bounding_boxes(batch, None)
    np.testing.assert_allclose(_np(cut["boxes"]), ref["cut_boxes"])
    np.testing.assert_allclose(_np(cut["labels"]), ref["cut_labels"])
    single = layer.transform_single_bounding_box({"boxes": batch["boxes"][0], "labels": batch["labels"][0]}, None)
    np.testing.assert_allclose(_np(single["boxes"]), ref["padded_boxes"][0])
    np.testing.assert_allclose(_np(single["labels"]), ref["padded_labels"][0])
    images, masks = torch.rand(2, 4, 4, 3), torch.ones(2, 4, 4, 1)
    image, mask, label = images[0], masks[0], batch["labels"][0]
    assert layer.transform_images(images, None) is images and layer.transform_single_image(image, None) is image
    assert layer.transform_labels(batch["labels"], None) is batch["labels"]
    assert layer.transform_single_label(label, None) is label
    assert layer.transform_segmentation_masks(masks, None) is masks
    assert layer.transform_single_segmentation_mask(mask, None) is mask


# -- inner_loop ----------------------------------------------------------------------------------------
def _rnn_layer(name):
    if name.startswith("lstm"):
        return layers.LSTM(4, return_sequences=True, go_backwards=name == "lstm_backwards")
    if name == "gru":
        return layers.GRU(4, return_sequences=True)
    return layers.RNN(layers.SimpleRNNCell(4), return_sequences=True, zero_output_for_mask=True)


@pytest.mark.parametrize("name", ["lstm", "lstm_backwards", "gru", "simple_rnn"])
@pytest.mark.parametrize("fallback", [False, True], ids=["fused", "loop"])
def test_inner_loop_matches_keras(name, fallback):
    ref = REF[name]
    inputs = torch.tensor(REF["rnn_inputs"])
    layer = _rnn_layer(name)
    layer.build(tuple(inputs.shape))
    layer.set_weights([np.array(w, "float32") for w in ref["weights"]])
    layer._force_fallback = fallback
    states = [torch.tensor(REF["h0"])] + ([torch.tensor(REF["c0"])] if name.startswith("lstm") else [])
    mask = None if name == "lstm_backwards" else torch.tensor(REF["rnn_mask"])
    last, outputs, new_states = layer.inner_loop(inputs, states, mask)
    np.testing.assert_allclose(_np(last), ref["last_output"], atol=1e-5)
    np.testing.assert_allclose(_np(outputs), ref["outputs"], atol=1e-5)
    assert len(new_states) == len(ref["states"])
    for got, want in zip(new_states, ref["states"]):
        np.testing.assert_allclose(_np(got), want, atol=1e-5)


def test_inner_loop_single_state_and_last_output_form():
    layer = layers.GRU(3)
    x = torch.rand(2, 4, 5)
    layer.build(tuple(x.shape))
    h0 = torch.rand(2, 3)
    last, outputs, states = layer.inner_loop(x, h0, None)
    assert tuple(outputs.shape) == (2, 1, 3)  # without return_sequences: the last output, time axis of 1
    np.testing.assert_allclose(_np(outputs[:, 0]), _np(last))
    np.testing.assert_allclose(_np(last), _np(layer(x, initial_state=h0)), atol=1e-6)
    assert isinstance(states, list) and len(states) == 1


def test_inner_loop_conv_lstm_agrees_with_call():
    layer = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    x = torch.rand(1, 3, 5, 5, 2)
    full = layer(x)
    states = layer.get_initial_state(1) if hasattr(layer, "get_initial_state") else None
    last, outputs, _ = layer.inner_loop(x, [torch.zeros(1, 5, 5, 2), torch.zeros(1, 5, 5, 2)] if states is None
                                        else states, None)
    np.testing.assert_allclose(_np(outputs), _np(full), atol=1e-6)
    np.testing.assert_allclose(_np(last), _np(full[:, -1]), atol=1e-6)


# -- AUC.interpolate_pr_auc ----------------------------------------------------------------------------
def test_interpolate_pr_auc_matches_keras():
    ref = REF["auc"]
    auc = keras.metrics.AUC(num_thresholds=12)
    auc.update_state(np.array(ref["y_true"]), np.array(ref["y_pred"]))
    np.testing.assert_allclose(float(auc.interpolate_pr_auc()), ref["pr_auc"], rtol=1e-5)
    pr = keras.metrics.AUC(num_thresholds=12, curve="PR")
    pr.update_state(np.array(ref["y_true"]), np.array(ref["y_pred"]))
    np.testing.assert_allclose(float(pr.result()), ref["pr_auc"], rtol=1e-5)
    ml = keras.metrics.AUC(num_thresholds=9, multi_label=True, label_weights=[0.25, 0.75])
    ml.update_state(np.array(ref["ml_true"]), np.array(ref["ml_pred"]))
    np.testing.assert_allclose(float(ml.interpolate_pr_auc()), ref["ml_pr_auc"], rtol=1e-5)


# -- box helpers, elastic parameters ---------------------------------------------------------------------
def test_box_helpers_match_keras():
    ref = REF["box_helpers"]
    transform = np.array(ref["transform"], "float32")
    for cls in (layers.RandomTranslation, layers.RandomShear, layers.RandomZoom):
        layer = cls(0.1, 0.1) if cls is not layers.RandomZoom else cls(0.2)
        x, y = layer.get_transformed_x_y(3.0, 4.0, torch.tensor(transform))
        np.testing.assert_allclose(_np(x), ref["x"], rtol=1e-6)
        np.testing.assert_allclose(_np(y), ref["y"], rtol=1e-6)
    for layer in (layers.RandomTranslation(0.1, 0.1), layers.RandomShear(0.1)):
        shifted = layer.get_shifted_bbox({"boxes": np.array(ref["boxes"], "float32"), "labels": np.zeros((2, 2))},
                                         np.array(ref["x"]), np.array(ref["y"]))
        np.testing.assert_allclose(_np(shifted["boxes"]), ref["shifted"], rtol=1e-6)
        assert "labels" in shifted
    clipped = layers.RandomZoom(0.2).get_clipped_bbox({"boxes": np.array(ref["boxes"], "float32")},
                                                      np.array([[7.0], [8.0]]), np.array([[1.0], [0.5]]),
                                                      np.array([[6.0], [7.5]]), np.array([[1.5], [2.5]]))
    np.testing.assert_allclose(_np(clipped["boxes"]), ref["clipped"], rtol=1e-6)
    # the six-column affine maps of tkeras' layers work too
    x6, _ = layers.RandomZoom(0.2).get_transformed_x_y(3.0, 4.0, torch.tensor(transform[:1, :6]))
    np.testing.assert_allclose(_np(x6), [ref["x"][0]], rtol=1e-6)


def test_elastic_transform_params_match_keras():
    layer = layers.RandomElasticTransform()
    np.testing.assert_allclose(layer.get_elastic_transform_params(32, 48, 0.7), REF["elastic_params"][0])
    np.testing.assert_allclose(layer.get_elastic_transform_params(9, 5, 1.0), REF["elastic_params"][1])


# -- convert_weight, FeatureSpace.save, OrbaxCheckpoint ------------------------------------------------------
@pytest.mark.parametrize("layer", [layers.Normalization(), layers.CategoryEncoding(3), layers.Rescaling(0.5),
                                   layers.RandomFlip(), layers.Resizing(2, 2), layers.MaxNumBoundingBoxes(2),
                                   layers.Discretization(bin_boundaries=[0.0]), layers.MelSpectrogram()],
                         ids=lambda layer: type(layer).__name__)
def test_convert_weight(layer):
    tensor = torch.arange(3.0)
    assert layer.convert_weight(tensor) is tensor
    converted = layer.convert_weight(np.arange(4, dtype="int32"))
    assert isinstance(converted, torch.Tensor) and converted.dtype == torch.int32
    np.testing.assert_array_equal(_np(converted), [0, 1, 2, 3])


def test_feature_space_save_and_load(tmp_path):
    from tkeras.utils import FeatureSpace
    space = FeatureSpace(features={"a": FeatureSpace.float_normalized(),
                                   "b": FeatureSpace.integer_categorical(num_oov_indices=0)}, output_mode="concat")
    data = {"a": np.array([1.0, 2.0, 3.0, 7.0], "float32"), "b": np.array([1, 2, 1, 3])}
    space.adapt(data)
    path = str(tmp_path / "space.keras")
    space.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, FeatureSpace)
    np.testing.assert_allclose(_np(loaded(data)), _np(space(data)), atol=1e-6)
    unadapted = FeatureSpace(features={"a": FeatureSpace.float_normalized()})
    unadapted.save(str(tmp_path / "raw.keras"))
    with pytest.raises(ValueError, match="adapt"):
        keras.models.load_model(str(tmp_path / "raw.keras"))(data)


def test_orbax_checkpoint_status_methods():
    from tkeras.callbacks import OrbaxCheckpoint
    with pytest.raises(ImportError, match="Orbax"):
        OrbaxCheckpoint("/tmp/ckpt")
    probe = OrbaxCheckpoint.__new__(OrbaxCheckpoint)
    assert probe.is_multihost_enabled() is False
    assert probe.is_primary_host() is True
    assert probe.wait_until_finished() is None
