"""`image_dataset_from_directory`: a folder of class subfolders as a Dataset of (images, labels).

    train_ds = keras.utils.image_dataset_from_directory(
        "PetImages", validation_split=0.2, subset="training", seed=1337, image_size=(180, 180))
    model.fit(train_ds, epochs=10)

The listing, shuffling and train/validation cut are `dataset_utils`' (shared with text). Images are
decoded with Pillow when their batch is drawn (gray ones as TensorFlow's decoders convert them, see
`decoder_grayscale`) and resized with torch's `interpolate` without antialiasing, which is what
`tf.image.resize` does, so pixel values follow Keras rather than Pillow's filters. Images come out as
float32 in 0-255, not rescaled, as in Keras (uint8 when resized with "nearest").
"""
import numpy as np

from tkeras.backend import config
from tkeras.ops.image import TORCH_MODES
from tkeras.utils import dataset_utils
from tkeras.utils.decoder_grayscale import decoder_grayscale
from tkeras.utils.image_utils import _open, img_to_array, load_img

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
_CHANNELS = {"rgb": 3, "rgba": 4, "grayscale": 1}
# Keras' interpolation names -> torch's `interpolate` modes ('nearest-exact' is TF's half-pixel nearest).
_KERAS_ONLY = ("gaussian", "mitchellcubic")


def _decoded(path, color_mode):
    """One file as a (height, width, channels) float32 array, with the decoder's own gray conversion."""
    if color_mode == "grayscale":
        gray = decoder_grayscale(_open(path))
        if gray is not None:
            return gray
    return img_to_array(load_img(path, color_mode=color_mode), "channels_last", "float32")


def resize_image(x, size, interpolation="bilinear", crop_to_aspect_ratio=False, pad_to_aspect_ratio=False):
    """One (height, width, channels) float array resized to `size`, optionally cropped to the target's
    aspect ratio first, or scaled to fit inside it and zero-padded, so the content is not stretched."""
    import torch

    from tkeras.ops.image import resize_nchw
    if pad_to_aspect_ratio:
        return _resize_with_pad(x, size, interpolation)
    image = torch.from_numpy(np.ascontiguousarray(x)).permute(2, 0, 1)[None]  # (1, C, H, W)
    out = resize_nchw(image, tuple(size), interpolation, crop_to_aspect_ratio)
    return out[0].permute(1, 2, 0).numpy()


def _resize_with_pad(x, size, interpolation):
    """TensorFlow's `resize_with_pad`, which Keras' loader uses (unlike `ops.image.resize`, which pads the
    source first): the image is scaled by the larger of its two ratios to the target, floored to whole
    pixels, and placed at the floored half of the leftover room on a zero canvas. The arithmetic is done
    in float32, as TensorFlow does it, so the floors land on the same pixel."""
    height, width = np.float32(x.shape[0]), np.float32(x.shape[1])
    target_height, target_width = np.float32(size[0]), np.float32(size[1])
    ratio = max(width / target_width, height / target_height)
    content_height, content_width = height / ratio, width / ratio
    top = max(0, int(np.floor((target_height - content_height) / np.float32(2))))
    left = max(0, int(np.floor((target_width - content_width) / np.float32(2))))
    content_size = (max(1, int(np.floor(content_height))), max(1, int(np.floor(content_width))))
    content = resize_image(x, content_size, interpolation)
    canvas = np.zeros((int(size[0]), int(size[1]), x.shape[2]), dtype=content.dtype)
    canvas[top:top + content.shape[0], left:left + content.shape[1]] = content
    return canvas


def _check_image_args(label_mode, color_mode, image_size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio):
    dataset_utils.check_label_mode(label_mode)
    if color_mode not in _CHANNELS:
        raise ValueError(f"`color_mode` must be 'rgb', 'rgba' or 'grayscale', received color_mode={color_mode!r}")
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"`image_size` must be (height, width), two integers; received image_size={image_size!r}")
    interpolation = interpolation.lower()
    if interpolation in _KERAS_ONLY:
        raise ValueError(f"interpolation={interpolation!r} is not supported in tkeras; use one of "
                         f"{tuple(TORCH_MODES)}")
    if interpolation not in TORCH_MODES:
        raise ValueError(f"`interpolation` must be one of {tuple(TORCH_MODES) + _KERAS_ONLY}, "
                         f"received interpolation={interpolation!r}")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("Only one of `crop_to_aspect_ratio` and `pad_to_aspect_ratio` can be True")
    return tuple(int(side) for side in image_size), interpolation


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                 color_mode="rgb", batch_size=32, image_size=(256, 256), shuffle=True, seed=None,
                                 validation_split=None, subset=None, interpolation="bilinear", follow_links=False,
                                 crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, data_format=None,
                                 verbose=True, **kwargs):
    """A Dataset of `(images, labels)` batches (just images when `labels` or `label_mode` is None).

    Images are (batch, height, width, channels) float32 in 0-255 (uint8 with `interpolation="nearest"`,
    as in Keras); labels are int32 ('int'), one-hot
    float32 ('categorical') or (batch, 1) float32 ('binary'). The result carries `class_names` and
    `file_paths`. `subset='both'` returns `[training, validation]`; the validation part is not
    shuffled, so evaluating it twice sees the same order. tf-keras 2's `smart_resize=True` is read as
    `crop_to_aspect_ratio=True`.
    """
    if "smart_resize" in kwargs:  # tf-keras 2.5's name (DLwP 2nd ed.'s GAN), which tf-keras 2 still reads
        crop_to_aspect_ratio = kwargs.pop("smart_resize")
    if kwargs:
        raise TypeError(f"image_dataset_from_directory: unexpected keyword argument(s) {sorted(kwargs)}")
    dataset_utils.check_labels_arg(labels, class_names, "image")
    image_size, interpolation = _check_image_args(label_mode, color_mode, image_size, interpolation,
                                                  crop_to_aspect_ratio, pad_to_aspect_ratio)
    data_format = config.standardize_data_format(data_format, "image_dataset_from_directory")
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)

    def read_files(paths):
        images = []
        for path in paths:
            image = _decoded(path, color_mode)
            image = resize_image(image, image_size, interpolation, crop_to_aspect_ratio, pad_to_aspect_ratio)
            images.append(image.transpose(2, 0, 1) if data_format == "channels_first" else image)
        # TensorFlow's nearest-neighbour resize keeps the decoded uint8 pixels (Keras 3 and tf-keras 2 alike,
        # whether plain, cropped or padded); every other interpolation gives float32.
        return np.stack(images).astype("uint8" if interpolation == "nearest" else "float32")

    return dataset_utils.directory_dataset(directory, read_files, "images", ALLOWLIST_FORMATS, labels, label_mode,
                                           class_names, batch_size, shuffle, seed, validation_split, subset,
                                           follow_links, verbose)
