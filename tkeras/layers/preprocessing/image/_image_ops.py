"""What the image preprocessing layers share: layout handling, resizing, the affine resampler with
Keras' four fill modes, factor parsing, and the base class of the random augmentation layers.

Everything works on (N, C, H, W) torch tensors, whatever layout the user speaks, so that one
implementation serves both `data_format`s and runs on whichever device holds the images.
"""
import numbers

import numpy as np
import torch
import torch.nn.functional as F

from tkeras.backend import config
from tkeras.backend.context import CALL_CONTEXT
from tkeras.layers.layer import Layer
from tkeras.layers.preprocessing._data_layer import DataLayerMethods
from tkeras.layers.preprocessing.image import _box_geometry as box_geometry
from tkeras.layers.preprocessing.image._image_arguments import (  # noqa: F401 - the layers import them from here
    check_box_format, check_choice, check_size, factor_range, plain, standardize_data_format, with_box_format,
)
from tkeras.ops.image import TORCH_MODES, resize_nchw
from tkeras.ops.random import SeedGenerator
from tkeras.utils.bounding_boxes import convert_format

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = tuple(TORCH_MODES)
_AFFINE_INTERPOLATIONS = ("bilinear", "nearest")


# -- layout ---------------------------------------------------------------------------------------
def to_nchw(layer_name, inputs, data_format, dtype):
    """(N, H, W, C), (H, W, C) or their channels_first forms -> a float (N, C, H, W) tensor, and
    how to undo the layout change. A list of same-sized images (sklearn's load_sample_images()) is a batch,
    as Keras converts it to one tensor."""
    if isinstance(inputs, (list, tuple)):
        inputs = torch.stack([torch.as_tensor(np.asarray(image)) for image in inputs])
    if inputs.dim() not in (3, 4):
        raise ValueError(f"{layer_name}: expected images of rank 4 (batch, height, width, channels) or "
                         f"rank 3 (one image), received shape {tuple(inputs.shape)}")
    unbatched = inputs.dim() == 3
    images = inputs[None] if unbatched else inputs
    if data_format == "channels_last":
        images = images.permute(0, 3, 1, 2)
    if images.dtype != dtype:
        images = images.to(dtype)
    return images, (unbatched, data_format)


def from_nchw(images, layout):
    unbatched, data_format = layout
    if data_format == "channels_last":
        images = images.permute(0, 2, 3, 1)
    return images[0] if unbatched else images


def spatial_axes(input_shape, data_format):
    """The positions of height and width in a (batched or not) input shape."""
    rank = len(input_shape)
    return (rank - 3, rank - 2) if data_format == "channels_last" else (rank - 2, rank - 1)


def with_spatial_size(input_shape, data_format, height, width):
    shape = list(input_shape)
    h_axis, w_axis = spatial_axes(shape, data_format)
    shape[h_axis], shape[w_axis] = height, width
    return tuple(shape)


# -- resizing -------------------------------------------------------------------------------------
# The dataset builders, `ops.image.resize` and these layers resize one way.
resize = resize_nchw


def center_crop(images, height, width):
    """The centred (height, width) window; the offset is rounded down when the margin is odd."""
    top = (images.shape[-2] - height) // 2
    left = (images.shape[-1] - width) // 2
    return images[..., top:top + height, left:left + width]


# -- affine resampling ----------------------------------------------------------------------------
_GRID_PADDING = {"reflect": "reflection", "nearest": "border", "constant": "zeros", "wrap": "border"}


def affine_transform(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Resample (N, C, H, W) images through per-image affine maps from output to input pixels.

    `transforms` is (N, 6): (a0, a1, a2, b0, b1, b2) with x_in = a0*x + a1*y + a2 and
    y_in = b0*x + b1*y + b2, where x is the column and y the row of an output pixel centre (the
    first six entries of Keras' projective transform). One fused `grid_sample` does the reading
    (~10x faster on CPU than gathering the four neighbours by hand). Its padding modes give Keras'
    fill modes: 'reflection' is reflect (d c b a | a b c d), 'border' is nearest; 'constant' samples
    `images - fill_value` with zero padding and adds the value back, so blends at the edge are right;
    'wrap' takes source positions modulo the size and reads from an image with its first row and
    column repeated after the last, so the neighbour of the last pixel is the first.
    """
    n, c, h, w = images.shape
    dtype, device = images.dtype, images.device
    grid_dtype = torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype
    transforms = transforms.to(device=device, dtype=grid_dtype)
    rows = torch.arange(h, device=device, dtype=grid_dtype)
    cols = torch.arange(w, device=device, dtype=grid_dtype)
    y, x = torch.meshgrid(rows, cols, indexing="ij")  # (H, W) each
    t = transforms[:, :, None, None]  # (N, 6, 1, 1)
    x_in = t[:, 0] * x + t[:, 1] * y + t[:, 2]  # (N, H, W)
    y_in = t[:, 3] * x + t[:, 4] * y + t[:, 5]
    if interpolation == "nearest":
        # Keras rounds halves away from zero; grid_sample would round them to even. Whole-pixel
        # positions leave grid_sample no ties to break.
        x_in = torch.sign(x_in) * torch.floor(torch.abs(x_in) + 0.5)
        y_in = torch.sign(y_in) * torch.floor(torch.abs(y_in) + 0.5)
    source = images
    if fill_mode == "wrap":
        x_in, y_in = torch.remainder(x_in, w), torch.remainder(y_in, h)
        source = F.pad(images, (0, 1, 0, 1), mode="circular")
    elif fill_mode == "constant" and fill_value != 0:
        source = images - fill_value
    width, height = source.shape[-1], source.shape[-2]
    # Pixel centres at integer positions -> grid_sample's [-1, 1] with align_corners=False.
    grid = torch.stack([(2 * x_in + 1) / width - 1, (2 * y_in + 1) / height - 1], dim=-1).to(dtype)
    out = F.grid_sample(source, grid, mode=interpolation, padding_mode=_GRID_PADDING[fill_mode],
                        align_corners=False)
    if fill_mode == "constant" and fill_value != 0:
        out = out + fill_value
    return out


# -- Keras 3's public transformation methods ------------------------------------------------------
class ImageTransformMethods(DataLayerMethods):
    """Keras 3's BaseImagePreprocessingLayer methods, in the user's layout, over the internal
    (N, C, H, W) hooks: `draw(images)` makes the random parameters of one batch (the
    "transformation", a dict with Keras' keys where tkeras matches them), `transform(images,
    params)`, `transform_masks(masks, params)` and `labels_transform(labels, params)` apply it.
    Layers that act also at inference (Resizing, AutoContrast, ...) set `applies_at_inference`."""

    applies_at_inference = False

    def draw(self, images):
        return None

    def transform_masks(self, masks, params):
        return masks

    def labels_transform(self, labels, params):
        return labels

    def get_random_transformation(self, data, training=True, seed=None):
        """The random parameters of one call on `data` (images, or a dict with "images"), to hand
        to `transform_images`, `transform_labels` and `transform_segmentation_masks` so that an
        image and its mask move together; None when not training. `seed`: an integer for this
        draw alone (else the layer's own stream)."""
        if not training:
            return None
        images = data["images"] if isinstance(data, dict) else data
        images, _ = to_nchw(type(self).__name__, torch.as_tensor(images), self.data_format,
                            config.standardize_dtype(self.compute_dtype))
        if seed is None or not hasattr(self, "_generators"):
            return self.draw(images)
        saved = self.seed, self._generators
        self.seed, self._generators = int(seed), {}
        try:
            return self.draw(images)
        finally:
            self.seed, self._generators = saved

    def transform_images(self, images, transformation, training=True):
        images, layout = to_nchw(type(self).__name__, torch.as_tensor(images), self.data_format,
                                 config.standardize_dtype(self.compute_dtype))
        if training or self.applies_at_inference:
            images = self.transform(images, transformation)
        return from_nchw(images, layout)

    def transform_labels(self, labels, transformation, training=True):
        if not training:
            return labels
        labels = torch.as_tensor(labels)
        unbatched = labels.dim() == 1
        labels = self.labels_transform(labels[None] if unbatched else labels, transformation)
        return labels[0] if unbatched else labels

    def transform_segmentation_masks(self, segmentation_masks, transformation, training=True):
        masks = torch.as_tensor(segmentation_masks)
        if not (training or self.applies_at_inference):
            return masks
        masks, layout = to_nchw(type(self).__name__, masks, self.data_format, masks.dtype)
        return from_nchw(self.transform_masks(masks, transformation), layout)

    # -- bounding boxes --------------------------------------------------------------------------
    # Layers that only change colours set `boxes_unchanged`; layers that move pixels implement
    # `move_boxes`, which sees absolute `xyxy` boxes (N, B, 4) of (height, width) images and returns
    # them for the output image with that image's size. The conversion from and to the user's
    # `bounding_box_format` happens around it.
    boxes_unchanged = False

    def move_boxes(self, bounding_boxes, params, height, width):
        raise NotImplementedError(f"{type(self).__name__} cannot move bounding boxes (as in Keras 3.15.1); "
                                  f"apply it to inputs without 'bounding_boxes'")

    def infer_boxes(self, bounding_boxes, height, width):
        """The boxes of an inference call of a layer whose `infer` changes the images."""
        return bounding_boxes, height, width

    def box_image_size(self, transformation):
        """(height, width) of the images a transformation was drawn for."""
        shape = transformation.get("input_shape") if isinstance(transformation, dict) else None
        if shape is None:
            raise ValueError(f"{type(self).__name__}: the transformation does not say the images' size (no "
                             f"'input_shape'); make it with get_random_transformation")
        return box_geometry.image_size(shape, self.data_format)

    def _box_format(self):
        box_format = getattr(self, "bounding_box_format", None)
        if not box_format:
            raise ValueError(f"{type(self).__name__}: the input holds 'bounding_boxes' but the layer has no "
                             f"`bounding_box_format`; create it with one, e.g. bounding_box_format='xyxy'")
        return box_format

    def _moved_boxes(self, bounding_boxes, params, height, width, inference=False):
        box_format = self._box_format()
        moved = dict(bounding_boxes)
        moved["boxes"] = convert_format(moved["boxes"], box_format, "xyxy", height=height, width=width)
        if inference:
            moved, out_height, out_width = self.infer_boxes(moved, height, width)
        else:
            moved, out_height, out_width = self.move_boxes(moved, params, height, width)
        moved["boxes"] = convert_format(moved["boxes"], "xyxy", box_format, height=out_height, width=out_width)
        return moved

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """Boxes (batched: "boxes" (N, B, 4), "labels" (N, B)) moved as `transformation` moves
        the images; unchanged when not training (for the layers that act only in training)."""
        self._box_format()
        if self.boxes_unchanged or not (training or self.applies_at_inference):
            return bounding_boxes
        height, width = self.box_image_size(transformation)
        return self._moved_boxes(_dense_boxes(type(self).__name__, bounding_boxes), transformation, height, width)

    def _call_boxes(self, bounding_boxes, params, active, height, width, unbatched):
        """The boxes of a dict input, moved as the call moves its images."""
        self._box_format()
        dense = _dense_boxes(type(self).__name__, bounding_boxes)
        if self.boxes_unchanged or (not active and type(self).infer_boxes is ImageTransformMethods.infer_boxes):
            return dense
        if unbatched:
            dense = {**dense, "boxes": dense["boxes"][None], "labels": dense["labels"][None]}
        moved = self._moved_boxes(dense, params, height, width, inference=not active)
        if unbatched:
            moved = {**moved, "boxes": moved["boxes"][0], "labels": moved["labels"][0]}
        return moved

    def _call_dict(self, data, active):
        """A dict of "images" with optional "bounding_boxes", "labels" and "segmentation_masks",
        all through one draw of random parameters."""
        name = type(self).__name__
        if "images" not in data:
            raise ValueError(f"{name}: a dict input needs an 'images' entry (with optional 'bounding_boxes', "
                             f"'labels' and 'segmentation_masks'), received keys {sorted(data)}")
        data = dict(data)
        images, layout = to_nchw(name, torch.as_tensor(data["images"]), self.data_format,
                                 config.standardize_dtype(self.compute_dtype))
        height, width = images.shape[-2:]
        params = self.draw(images) if active else None
        data["images"] = from_nchw(self.transform(images, params) if active else self.infer(images), layout)
        unbatched = layout[0]
        if "bounding_boxes" in data:
            data["bounding_boxes"] = self._call_boxes(data["bounding_boxes"], params, active, height, width,
                                                      unbatched)
        if "labels" in data and active:
            labels = torch.as_tensor(data["labels"])
            labels = self.labels_transform(labels[None] if unbatched else labels, params)
            data["labels"] = labels[0] if unbatched else labels
        if "segmentation_masks" in data:
            raw = torch.as_tensor(data["segmentation_masks"])
            masks, mask_layout = to_nchw(name, raw, self.data_format, raw.dtype)
            masks = self.transform_masks(masks, params) if active else self.infer_masks(masks)
            data["segmentation_masks"] = from_nchw(masks, mask_layout)
        return data

    def infer(self, images):
        return images

    def infer_masks(self, masks):
        return masks

    # Keras' one-sample forms (for tf.data-style per-example maps): the batch forms on a batch of one.
    def transform_single_image(self, image, transformation, training=True):
        return self.transform_images(torch.as_tensor(image)[None], transformation, training)[0]

    def transform_single_label(self, label, transformation, training=True):
        return self.transform_labels(torch.as_tensor(label)[None], transformation, training)[0]

    def transform_single_segmentation_mask(self, segmentation_mask, transformation, training=True):
        return self.transform_segmentation_masks(torch.as_tensor(segmentation_mask)[None], transformation,
                                                 training)[0]

    def transform_single_bounding_box(self, bounding_box, transformation, training=True):
        dense = _dense_boxes(type(self).__name__, bounding_box)
        batch = {**dense, "boxes": dense["boxes"][None], "labels": dense["labels"][None]}
        moved = self.transform_bounding_boxes(batch, transformation, training)
        return {**moved, "boxes": moved["boxes"][0], "labels": moved["labels"][0]}


def _dense_boxes(layer_name, bounding_boxes):
    """Keras' check of a "bounding_boxes" entry: a dict with "boxes" (float32, last axis 4) and "labels"."""
    if not isinstance(bounding_boxes, dict) or "boxes" not in bounding_boxes or "labels" not in bounding_boxes:
        keys = sorted(bounding_boxes) if isinstance(bounding_boxes, dict) else type(bounding_boxes).__name__
        raise ValueError(f"{layer_name}: 'bounding_boxes' must be a dict with 'boxes' and 'labels', received {keys}")
    dense = dict(bounding_boxes)
    dense["boxes"] = torch.as_tensor(np.asarray(dense["boxes"]) if isinstance(dense["boxes"], list)
                                     else dense["boxes"]).to(torch.float32)
    dense["labels"] = torch.as_tensor(np.asarray(dense["labels"]) if isinstance(dense["labels"], list)
                                      else dense["labels"])
    if dense["boxes"].dim() not in (2, 3) or dense["boxes"].shape[-1] != 4:
        raise ValueError(f"{layer_name}: bounding boxes must have shape (num_boxes, 4) or (batch, num_boxes, 4), "
                         f"received {tuple(dense['boxes'].shape)}")
    return dense


# -- randomness -----------------------------------------------------------------------------------
class RandomImageLayer(ImageTransformMethods, Layer):
    """Base of the augmentation layers: Keras' training switch, the seed, and the layout round trip.

    As in Keras, the layers augment when called with `training=True` (inside `fit`) and also when
    nobody says (`layer(x)` or `model(x)` on its own, the tutorials' way to look at augmented
    images); `predict`, `evaluate` and `training=False` pass images through. Parameters are drawn
    on the images' device, one set per image: with `seed`, each draw from the next seed of the layer's
    SeedGenerator (its counter moves as Keras' does per draw), else from torch's global generator,
    which `keras.utils.set_random_seed` resets.
    """

    _owns_seed_generator = True  # a SeedGenerator (`variables`, never saved); False where Keras' layer has none

    def __init__(self, seed=None, data_format=None, bounding_box_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bounding_box_format = check_box_format(type(self).__name__, bounding_box_format)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
            raise ValueError(f"{type(self).__name__}: `seed` must be an integer or None, received {seed!r}")
        self.seed = None if seed is None else int(seed)
        if self._owns_seed_generator:
            self._keras_seed_generator = SeedGenerator(self.seed)
        self.data_format = standardize_data_format(type(self).__name__, data_format)
        self._generators = None if self._owns_seed_generator else {}  # None: the SeedGenerator's stream

    @property
    def generator(self):
        """Keras' name for the layer's SeedGenerator; layers that draw nothing have none, as in Keras."""
        if not self._owns_seed_generator:
            raise AttributeError(f"{type(self).__name__} has no `generator`: it draws no random numbers")
        return self._keras_seed_generator

    def _draw_generator(self, device):
        """The torch generator of the next draw on `device` (None without a seed: torch's global one)."""
        if self.seed is None:
            return None
        if self._generators is None:
            return self._keras_seed_generator.torch_generator(device)
        if device not in self._generators:  # one stream seeded once (get_random_transformation(seed=))
            self._generators[device] = torch.Generator(device=device).manual_seed(self.seed)
        return self._generators[device]

    def uniform(self, shape, low, high, device=None):
        """Draws in [low, high) on `device`, where the images are: a CPU draw copied to a GPU would
        make each step wait for the GPU (a blocking copy). float64 on the CPU, float32 elsewhere."""
        device = torch.device("cpu") if device is None else torch.device(device)
        dtype = torch.float64 if device.type == "cpu" else torch.float32
        draws = torch.rand(shape, generator=self._draw_generator(device), dtype=dtype, device=device)
        return draws * (high - low) + low

    def call(self, inputs, training=True):
        if not training and CALL_CONTEXT.training is None:
            training = True  # nobody asked for inference: Keras' call default applies
        if isinstance(inputs, dict):
            return self._call_dict(inputs, bool(training))
        dtype = config.standardize_dtype(self.compute_dtype)
        images, layout = to_nchw(type(self).__name__, inputs, self.data_format, dtype)
        images = self.augment(images) if training else self.infer(images)
        return from_nchw(images, layout)

    # -- one draw, then its application (Keras 3's BaseImagePreprocessingLayer methods) ------------
    # Internally `draw` takes (N, C, H, W) images and `transform` / `transform_masks` /
    # `labels_transform` apply its parameters; the public methods below speak the user's layout.
    def augment(self, images):
        return self.transform(images, self.draw(images))

    def transform(self, images, params):
        if type(self).augment is RandomImageLayer.augment:
            raise NotImplementedError(f"{type(self).__name__} implements neither `augment` nor `transform`")
        return self.augment(images)  # a layer without a draw/transform split draws as it applies

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"seed": self.seed, "data_format": self.data_format})
        return with_box_format(config_, self.bounding_box_format)


class AffineImageLayer(RandomImageLayer):
    """Base of RandomRotation, RandomZoom and RandomTranslation: how pixels that come from outside
    the image are filled, and how source positions between pixels are read."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        name = type(self).__name__
        self.fill_mode = check_choice(name, "fill_mode", fill_mode, FILL_MODES)
        self.interpolation = check_choice(name, "interpolation", interpolation, _AFFINE_INTERPOLATIONS)
        self.fill_value = float(fill_value)

    def transforms(self, n, height, width, device):
        """(N, 6) output->input maps for one batch, see `affine_transform`."""
        raise NotImplementedError

    def draw(self, images):
        """Keras' transformation dict of this layer; see `matrices` for the maps it makes."""
        n, _, height, width = images.shape
        return {"matrices": self.transforms(n, height, width, images.device),
                "input_shape": box_geometry.user_shape(images, self.data_format)}

    def matrices(self, params, height, width):
        """(N, 6) maps from a transformation dict (made here or by Keras)."""
        return params["matrices"]

    def transform(self, images, params):
        if params is None:
            return images
        maps = self.matrices(params, images.shape[-2], images.shape[-1])
        return affine_transform(images, torch.as_tensor(maps).reshape(-1, maps.shape[-1])[:, :6],
                                self.interpolation, self.fill_mode, self.fill_value)

    def transform_masks(self, masks, params):
        if params is None:
            return masks
        maps = self.matrices(params, masks.shape[-2], masks.shape[-1])
        moved = affine_transform(masks.to(torch.float32), torch.as_tensor(maps).reshape(-1, maps.shape[-1])[:, :6],
                                 "nearest", self.fill_mode, self.fill_value)
        return moved.to(masks.dtype)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"fill_mode": self.fill_mode, "interpolation": self.interpolation,
                        "fill_value": self.fill_value})
        return config_
