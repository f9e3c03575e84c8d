"""`tf.image`: the image functions tf.data pipelines use beside Keras, with TensorFlow's semantics
(channels-last images or batches, float32 resizes, integer images scaled to [0, 1] by
`convert_image_dtype`, per-image random flips). Anything else fails with one line naming it.
"""
from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.compat.tf_namespace.image._color import (
    adjust_brightness, adjust_contrast, adjust_gamma, adjust_hue, adjust_saturation, grayscale_to_rgb, hsv_to_rgb,
    per_image_standardization, rgb_to_grayscale, rgb_to_hsv,
)
from tkeras.compat.tf_namespace.image._codecs import decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png
from tkeras.compat.tf_namespace.image._common import convert_image_dtype
from tkeras.compat.tf_namespace.image._geometry import (
    central_crop, crop_to_bounding_box, flip_left_right, flip_up_down, pad_to_bounding_box, resize_with_crop_or_pad,
    rot90, transpose,
)
from tkeras.compat.tf_namespace.image._patches import extract_patches
from tkeras.compat.tf_namespace.image._quality import image_gradients, psnr, sobel_edges, ssim, total_variation
from tkeras.compat.tf_namespace.image._random import (
    random_brightness, random_contrast, random_crop, random_flip_left_right, random_flip_up_down, random_hue,
    random_saturation, stateless_random_brightness, stateless_random_contrast, stateless_random_crop,
    stateless_random_flip_left_right, stateless_random_flip_up_down, stateless_random_hue,
    stateless_random_saturation,
)
from tkeras.compat.tf_namespace.image._resize import ResizeMethod, resize, resize_with_pad

__all__ = [
    "ResizeMethod", "adjust_brightness", "adjust_contrast", "adjust_gamma", "adjust_hue", "adjust_saturation",
    "central_crop", "convert_image_dtype", "crop_to_bounding_box", "decode_image", "decode_jpeg", "decode_png",
    "encode_jpeg", "encode_png", "extract_patches", "image_gradients", "psnr", "sobel_edges", "ssim",
    "total_variation", "flip_left_right", "flip_up_down",
    "grayscale_to_rgb", "hsv_to_rgb", "pad_to_bounding_box", "per_image_standardization", "random_brightness",
    "random_contrast", "random_crop", "random_flip_left_right", "random_flip_up_down", "random_hue",
    "random_saturation", "resize", "resize_with_crop_or_pad", "resize_with_pad", "rgb_to_grayscale", "rgb_to_hsv",
    "rot90", "stateless_random_brightness", "stateless_random_contrast", "stateless_random_crop",
    "stateless_random_flip_left_right", "stateless_random_flip_up_down", "stateless_random_hue",
    "stateless_random_saturation", "transpose",
]

__getattr__ = module_getattr("tf.image")
