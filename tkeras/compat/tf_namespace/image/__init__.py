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
from tkeras.compat.tf_namespace.image._boxes import crop_and_resize, draw_bounding_boxes
from tkeras.compat.tf_namespace.image._distort import (
    sample_distorted_bounding_box, stateless_sample_distorted_bounding_box,
)
from tkeras.compat.tf_namespace.image._jpeg import (
    adjust_jpeg_quality, decode_and_crop_jpeg, decode_bmp, decode_gif, decode_webp, extract_jpeg_shape, is_jpeg,
    random_jpeg_quality, stateless_random_jpeg_quality,
)
from tkeras.compat.tf_namespace.image._nms import (
    non_max_suppression, non_max_suppression_overlaps, non_max_suppression_with_scores,
)
from tkeras.compat.tf_namespace.image._nms_batched import combined_non_max_suppression, non_max_suppression_padded
from tkeras.compat.tf_namespace.image._spaces import (
    rgb_to_yiq, rgb_to_yuv, ssim_multiscale, yiq_to_rgb, yuv_to_rgb,
)

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
    "combined_non_max_suppression", "crop_and_resize", "draw_bounding_boxes", "non_max_suppression",
    "non_max_suppression_overlaps", "non_max_suppression_padded", "non_max_suppression_with_scores", "rgb_to_yiq",
    "rgb_to_yuv", "ssim_multiscale", "yiq_to_rgb", "yuv_to_rgb", "sample_distorted_bounding_box",
    "stateless_sample_distorted_bounding_box", "adjust_jpeg_quality", "decode_and_crop_jpeg", "decode_bmp",
    "decode_gif", "decode_webp", "extract_jpeg_shape", "is_jpeg", "random_jpeg_quality",
    "stateless_random_jpeg_quality",
]

__getattr__ = module_getattr("tf.image")
