"""`tf.image.extract_patches`: the patches of a (N, H, W, C) batch laid side by side in the channel
axis, as the Vision Transformer examples cut images into tokens."""
import math

import torch.nn.functional as F

from tkeras.compat.tf_namespace.image._common import as_images
from tkeras.ops.core import user_op


def _window(value, argument):
    values = [int(v) for v in value]
    if len(values) != 4 or values[0] != 1 or values[3] != 1 or min(values) <= 0:
        raise ValueError(f"tf.image.extract_patches: `{argument}` must be [1, rows, cols, 1] with positive "
                         f"rows and cols, received {list(value)}")
    return values[1], values[2]


@user_op
def extract_patches(images, sizes, strides, rates, padding, name=None):
    """(N, H, W, C) -> (N, rows, cols, size_rows * size_cols * C): each patch flattened row by row with its
    channels innermost; `rates` spaces the sampled pixels, padding 'SAME' zero-pads so that
    rows = ceil(H / stride), 'VALID' keeps whole patches only."""
    x = as_images(images, "extract_patches", argument="images", ranks=(4,))
    (k_h, k_w), (s_h, s_w), (r_h, r_w) = _window(sizes, "sizes"), _window(strides, "strides"), _window(rates, "rates")
    span_h, span_w = (k_h - 1) * r_h + 1, (k_w - 1) * r_w + 1
    padding = str(padding).upper()
    if padding == "SAME":
        pads = []
        for size, span, stride in ((x.shape[1], span_h, s_h), (x.shape[2], span_w, s_w)):
            total = max((math.ceil(size / stride) - 1) * stride + span - size, 0)
            pads.append((total // 2, total - total // 2))
        x = F.pad(x, (0, 0, *pads[1], *pads[0]))
    elif padding != "VALID":
        raise ValueError(f"tf.image.extract_patches: `padding` must be 'VALID' or 'SAME', received {padding!r}")
    if x.shape[1] < span_h or x.shape[2] < span_w:
        return x.new_zeros((x.shape[0], 0, 0, k_h * k_w * x.shape[3]))
    windows = x.unfold(1, span_h, s_h).unfold(2, span_w, s_w)[..., ::r_h, ::r_w]  # (N, rows, cols, C, k_h, k_w)
    rows, cols = windows.shape[1:3]
    return windows.permute(0, 1, 2, 4, 5, 3).reshape(x.shape[0], rows, cols, k_h * k_w * x.shape[3])
