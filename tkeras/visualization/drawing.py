"""Drawing annotations into image arrays: segmentation masks (NumPy) and bounding boxes (OpenCV).

Both take a batch of images (B, H, W, C) — or (B, C, H, W) with `data_format="channels_first"` — and
return NumPy arrays, so they work without any plotting library. Boxes are drawn with OpenCV, as in
Keras (its thick-line rasterisation and Hershey font are what Keras' images show); without OpenCV the
function says how to install it.
"""
import numpy as np

from tkeras.backend import config


def _numpy(value):
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _batched(images, function):
    images = _numpy(images)
    if images.ndim != 4:
        raise ValueError(f"{function}: images must be a batched 4-D array (batch, height, width, channels); "
                         f"received shape {images.shape}")
    return images


def color_palette(num_classes):
    """Keras' default mask colours: class i gets (i * (2**25 - 1, 2**15 - 1, 2**21 - 1)) mod 255."""
    palette = np.array([2 ** 25 - 1, 2 ** 15 - 1, 2 ** 21 - 1])
    return [((i * palette) % 255).tolist() for i in range(num_classes)]


def draw_segmentation_masks(images, segmentation_masks, num_classes=None, color_mapping=None, alpha=0.8,
                            blend=True, ignore_index=-1, data_format=None):
    """Colour each pixel by its class in `segmentation_masks` (B, H, W, 1), blended with the image by
    `alpha`; pixels equal to `ignore_index` keep the image. Classes are 0 .. num_classes - 1 (None: the
    largest value in the masks, as Keras counts). Returns uint8 when blending, float32 otherwise."""
    images = _batched(images, "draw_segmentation_masks").astype("float32")
    masks = _numpy(segmentation_masks)
    if (data_format or config.image_data_format()) == "channels_first":
        images, masks = images.transpose(0, 2, 3, 1), masks.transpose(0, 2, 3, 1)
    if masks.dtype.kind not in "iu":
        raise TypeError(f"draw_segmentation_masks: segmentation_masks must hold integer class ids; received dtype "
                        f"{masks.dtype}")
    if masks.ndim != 4 or masks.shape[-1] != 1:
        raise ValueError(f"draw_segmentation_masks: segmentation_masks must have shape (batch, height, width, 1); "
                         f"received {masks.shape}")
    if num_classes is None:
        num_classes = int(masks.max())
    colors = color_palette(num_classes) if color_mapping is None else [color_mapping[i] for i in range(num_classes)]
    labels = masks[..., 0]
    drawn = images.copy()
    for class_id, color in enumerate(colors):
        drawn[labels == class_id] = np.asarray(color, dtype="float32")
    if not blend:
        return drawn
    mixed = images * (1 - alpha) + drawn * alpha
    mixed = np.where((labels != ignore_index)[..., None], mixed, images)
    return mixed.astype("uint8")


def _label_position(x, y, font_scale, thickness):
    """Above the box when there is room for the text, else just inside its top-left corner."""
    font_height = int(font_scale * 12)
    if y - 8 - 2 * font_height > 0:
        return x, y - 8
    return x + 3, y + 2 * font_height + thickness + 3


def draw_bounding_boxes(images, bounding_boxes, bounding_box_format, class_mapping=None, color=(128, 128, 128),
                        line_thickness=2, text_thickness=1, font_scale=1.0, data_format=None):
    """Draw `bounding_boxes` ({"boxes": (B, N, 4), "labels": (B, N)[, "confidences"]}) into uint8 copies of
    `images`; a label of -1 is padding, a label in `class_mapping` is written above its box."""
    try:
        import cv2
    except ImportError:
        raise ImportError("draw_bounding_boxes draws with OpenCV: pip install opencv-python (or "
                          "opencv-python-headless)") from None
    images = _batched(images, "draw_bounding_boxes")
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        raise ValueError("draw_bounding_boxes: bounding_boxes must be a dict with 'boxes' and 'labels'; received "
                         f"{type(bounding_boxes).__name__}"
                         + (f" with keys {sorted(bounding_boxes)}" if isinstance(bounding_boxes, dict) else ""))
    class_mapping = class_mapping or {}
    text_thickness = text_thickness or line_thickness
    channels_last = (data_format or config.image_data_format()) == "channels_last"
    height, width = images.shape[1:3] if channels_last else images.shape[2:4]
    from tkeras.utils.bounding_boxes import convert_format
    boxes = _numpy(convert_format(_numpy(bounding_boxes["boxes"]).astype("float32"), bounding_box_format, "xyxy",
                                  height=height, width=width))
    labels = _numpy(bounding_boxes["labels"])
    confidences = _numpy(bounding_boxes["confidences"]) if "confidences" in bounding_boxes else None
    if images.dtype.kind == "f" and images.size:
        images = np.clip(images, 0, 1) * 255 if images.max() <= 1.0 else np.clip(images, 0, 255)
    images = images.astype("uint8")
    result = []
    for i, image in enumerate(images):
        image = np.ascontiguousarray(image)
        for j, box in enumerate(boxes[i]):
            class_id = int(labels[i][j])
            if class_id == -1:
                continue
            x1, y1, x2, y2 = (int(v) for v in box.astype("int32"))
            cv2.rectangle(image, (x1, y1), (x2, y2), color, line_thickness)
            if class_id in class_mapping:
                text = class_mapping[class_id]
                if confidences is not None:
                    text = f"{text} | {confidences[i][j]:.2f}"
                cv2.putText(img=image, text=text, org=_label_position(x1, y1, font_scale, text_thickness),
                            fontFace=cv2.FONT_HERSHEY_SIMPLEX, fontScale=font_scale, color=color,
                            thickness=text_thickness)
        result.append(image)
    return np.stack(result, axis=0)
