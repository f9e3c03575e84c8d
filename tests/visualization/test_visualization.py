"""keras.visualization against real Keras 3.15.1's arrays (tests/fixtures/visualization_reference.npz,
made with OpenCV) and a NumPy statement of the mask rule; the plotting functions need matplotlib and
the box drawing OpenCV, so without them the tests check the install advice instead."""
import builtins
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import visualization
from tkeras.visualization.galleries import gallery_grid, segmentation_gallery_images, to_pixel_range

REF = np.load(os.path.join(os.path.dirname(__file__), "..", "fixtures", "visualization_reference.npz"))
IMAGES, MASKS = REF["images"], REF["masks"]


def test_segmentation_masks_match_keras():
    np.testing.assert_array_equal(visualization.draw_segmentation_masks(IMAGES, MASKS), REF["seg_default"])
    no_blend = visualization.draw_segmentation_masks(IMAGES, MASKS, num_classes=4, blend=False)
    np.testing.assert_array_equal(no_blend, REF["seg_four_classes_no_blend"])
    mapped = visualization.draw_segmentation_masks(
        IMAGES, MASKS, num_classes=3, color_mapping={0: (255, 0, 0), 1: (0, 255, 0), 2: (0, 0, 255)}, alpha=0.4,
        ignore_index=0)
    np.testing.assert_array_equal(mapped, REF["seg_mapping_alpha"])


def test_segmentation_rule_in_numpy():
    """A pixel of class c < num_classes becomes (1 - alpha) * image + alpha * colour[c]; others stay."""
    colors = {0: (10, 20, 30), 1: (200, 100, 0)}
    out = visualization.draw_segmentation_masks(IMAGES, MASKS, num_classes=2, color_mapping=colors, alpha=0.5)
    labels = MASKS[..., 0]
    expected = IMAGES.copy()
    for class_id, color in colors.items():
        expected[labels == class_id] = 0.5 * IMAGES[labels == class_id] + 0.5 * np.array(color, "float32")
    np.testing.assert_array_equal(out, expected.astype("uint8"))


def test_segmentation_mask_errors():
    with pytest.raises(TypeError, match="integer class ids.*float32"):
        visualization.draw_segmentation_masks(IMAGES, MASKS.astype("float32"))
    with pytest.raises(ValueError, match="batched 4-D.*\\(10, 12, 3\\)"):
        visualization.draw_segmentation_masks(IMAGES[0], MASKS[0])


def _boxes(**extra):
    return {"boxes": REF["boxes"], "labels": REF["labels"], **extra}


def test_bounding_boxes_match_keras_with_opencv():
    pytest.importorskip("cv2")
    plain = visualization.draw_bounding_boxes(IMAGES, _boxes(), "xywh", color=(255, 0, 0), line_thickness=1)
    np.testing.assert_array_equal(plain, REF["boxes_plain"])
    labelled = visualization.draw_bounding_boxes(IMAGES / 255.0, _boxes(confidences=REF["confidences"]), "xywh",
                                                 class_mapping={0: "cat", 1: "dog", 2: "owl"}, color=(0, 255, 0),
                                                 line_thickness=2, font_scale=0.3)
    np.testing.assert_array_equal(labelled, REF["boxes_labelled"])


def test_bounding_boxes_without_opencv_name_the_package(monkeypatch):
    real_import = builtins.__import__

    def no_cv2(name, *args, **kwargs):
        if name == "cv2":
            raise ImportError("No module named 'cv2'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_cv2)
    with pytest.raises(ImportError, match="pip install opencv-python"):
        visualization.draw_bounding_boxes(IMAGES, _boxes(), "xywh")


def test_plots_without_matplotlib_name_the_package(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    for call in (lambda: visualization.plot_image_gallery(IMAGES),
                 lambda: visualization.plot_segmentation_mask_gallery(IMAGES, 3, y_true=MASKS),
                 lambda: visualization.plot_bounding_box_gallery(IMAGES, "xywh", y_true=_boxes())):
        with pytest.raises(ImportError, match="matplotlib: pip install matplotlib"):
            call()


def test_gallery_layout_and_value_range_follow_keras():
    # Keras: rows = ceil(sqrt(batch)), cols = batch // rows.
    assert [gallery_grid(n) for n in (1, 2, 3, 4, 9, 10)] == [(1, 1), (2, 1), (2, 1), (2, 2), (3, 3), (4, 2)]
    assert gallery_grid(5, rows=1, cols=5) == (1, 5)
    np.testing.assert_allclose(to_pixel_range(np.array([0.0, 0.5, 1.0]), (0, 1)), [0, 127.5, 255])
    np.testing.assert_allclose(to_pixel_range(np.array([-1.0, 1.0]), (-1, 1)), [0, 255])
    panels = segmentation_gallery_images(IMAGES, 3, y_true=MASKS, y_pred=MASKS)
    assert panels.shape == (6, 10, 12, 3)  # per image: the image, true masks, predicted masks
    np.testing.assert_array_equal(panels[0], IMAGES[0])
    np.testing.assert_array_equal(panels[1], visualization.draw_segmentation_masks(IMAGES, MASKS, num_classes=3)[0])


def test_gallery_plots_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    path = tmp_path / "gallery.png"
    visualization.plot_image_gallery(IMAGES, y_true=np.array([0, 1]), label_map={0: "a", 1: "b"}, path=str(path))
    assert path.stat().st_size > 0
    with pytest.raises(ValueError, match="label_map"):
        visualization.plot_image_gallery(IMAGES, y_true=np.array([0, 1]))
    visualization.plot_segmentation_mask_gallery(IMAGES, 3, y_true=MASKS, path=str(tmp_path / "masks.png"))
    assert (tmp_path / "masks.png").stat().st_size > 0
    pytest.importorskip("cv2")
    visualization.plot_bounding_box_gallery(IMAGES, "xywh", y_true=_boxes(), y_pred=_boxes(), legend=True,
                                            class_mapping={0: "cat"}, path=str(tmp_path / "boxes.png"))
    assert (tmp_path / "boxes.png").stat().st_size > 0


def test_namespace():
    assert keras.visualization.draw_segmentation_masks is visualization.draw_segmentation_masks
