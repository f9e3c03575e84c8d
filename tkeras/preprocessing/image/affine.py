"""tf-keras 2's image transforms on NumPy arrays: `apply_affine_transform` (rotation, shift, shear,
zoom about the image centre), its `random_*` variants, channel and brightness shifts.

tf-keras hands the sampling to `scipy.ndimage.affine_transform`; tkeras does not depend on SciPy, so
`_sample` reproduces what SciPy computes for spline orders 0 and 1 (nearest pixel, bilinear) and its
boundary modes: 'constant' (cval outside the image, no blending across the edge), 'nearest' (edge
pixels repeat), 'reflect' (mirror about the pixel edge: d c b a | a b c d) and 'wrap' (SciPy's
periodic extension of period size - 1, where the first and last pixels coincide). The random variants
draw from NumPy's global generator in tf-keras' order, so `np.random.seed(s)` reproduces tf-keras.
"""
import numpy as np

_FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def _fold(coords, size, mode):
    """Continuous coordinates outside [0, size - 1] mapped inside as SciPy's boundary mode does."""
    if size == 1:
        return np.zeros_like(coords)
    if mode == "nearest":
        return np.clip(coords, 0, size - 1)
    if mode == "wrap":
        period = size - 1
        return np.where((coords < 0) | (coords > size - 1), np.mod(coords, period), coords)
    if mode == "reflect":
        period = 2 * size
        folded = np.mod(coords + 0.5, period) - 0.5  # into [-0.5, 2 * size - 0.5)
        return np.where(folded > size - 0.5, period - 1 - folded, folded)
    return coords  # constant: handled by the caller


def _indices(index, size, mode):
    """Integer neighbour indices mapped inside the image (a reflected index mirrors about the edge)."""
    if mode == "reflect":
        index = np.mod(index, 2 * size)
        return np.where(index >= size, 2 * size - 1 - index, index)
    return np.clip(index, 0, size - 1)  # folded coordinates only reach past the edge with zero weight


def _sample(image, rows, cols, order, mode, cval):
    """image (h, w) sampled at float coordinates `rows`, `cols` (both (h, w))."""
    h, w = image.shape
    outside = np.zeros(rows.shape, dtype=bool)
    if mode == "constant":
        tolerance = 1e-9
        outside = (rows < -tolerance) | (rows > h - 1 + tolerance) | (cols < -tolerance) | (cols > w - 1 + tolerance)
        rows, cols = np.clip(rows, 0, h - 1), np.clip(cols, 0, w - 1)
    else:
        rows, cols = _fold(rows, h, mode), _fold(cols, w, mode)
    if order == 0:
        r = _indices(np.floor(rows + 0.5).astype(np.int64), h, mode)
        c = _indices(np.floor(cols + 0.5).astype(np.int64), w, mode)
        values = image[r, c].astype(np.float64)
    else:
        r0, c0 = np.floor(rows), np.floor(cols)
        fr, fc = rows - r0, cols - c0
        r0, c0 = r0.astype(np.int64), c0.astype(np.int64)
        values = 0.0
        for dr, dc, weight in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)),
                               (1, 1, fr * fc)):
            values = values + weight * image[_indices(r0 + dr, h, mode), _indices(c0 + dc, w, mode)]
    if mode == "constant":
        values = np.where(outside, cval, values)
    return values.astype(image.dtype)


def transform_matrix_offset_center(matrix, x, y):
    """`matrix` conjugated by a shift to the image centre, so it turns/zooms about the centre."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def _check_axes(row_axis, col_axis, channel_axis, x):
    if len({row_axis, col_axis, channel_axis}) != 3:
        raise ValueError(f"apply_affine_transform: 'row_axis', 'col_axis' and 'channel_axis' must be distinct, "
                         f"received {row_axis}, {col_axis}, {channel_axis}")
    if {row_axis, col_axis, channel_axis} != {0, 1, 2}:
        raise ValueError(f"apply_affine_transform: the axes must be 0, 1 and 2, received "
                         f"{sorted({row_axis, col_axis, channel_axis})}")
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform: expected one multi-channel 2-D image (3 dims), received shape "
                         f"{x.shape}")
    if channel_axis not in (0, 2):
        raise ValueError(f"apply_affine_transform: 'channel_axis' must be 0 or 2 (channels first or last), received "
                         f"{channel_axis}")


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2, channel_axis=0,
                           fill_mode="nearest", cval=0.0, order=1):
    """One image rotated by `theta` degrees, shifted by (tx, ty) pixels, sheared by `shear` degrees and
    zoomed by (zx, zy), about its centre; tf-keras' composition order and axis conventions."""
    x = np.asarray(x)
    _check_axes(row_axis, col_axis, channel_axis, x)
    if fill_mode not in _FILL_MODES:
        raise ValueError(f"apply_affine_transform: 'fill_mode' must be one of {_FILL_MODES}, received {fill_mode!r}")
    if order not in (0, 1):
        raise NotImplementedError(f"apply_affine_transform: interpolation order {order} (a SciPy spline) is not "
                                  f"supported in tkeras; use order=1 (bilinear) or 0 (nearest)")
    matrix = None
    if theta != 0:
        angle = np.deg2rad(theta)
        matrix = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    for needed, step in ((tx != 0 or ty != 0, lambda: np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]])),
                         (shear != 0, lambda: np.array([[1, -np.sin(np.deg2rad(shear)), 0],
                                                        [0, np.cos(np.deg2rad(shear)), 0], [0, 0, 1]])),
                         (zx != 1 or zy != 1, lambda: np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))):
        if needed:
            matrix = step() if matrix is None else matrix @ step()
    if matrix is None:
        return x
    h, w = x.shape[row_axis], x.shape[col_axis]
    matrix = transform_matrix_offset_center(matrix, h, w)
    channels = np.rollaxis(x, channel_axis, 0)
    if col_axis > row_axis:  # the matrix was written for (col, row) pairs: swap to the arrays' (row, col)
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    rows, cols = np.meshgrid(np.arange(channels.shape[1], dtype=np.float64),
                             np.arange(channels.shape[2], dtype=np.float64), indexing="ij")
    source_rows = matrix[0, 0] * rows + matrix[0, 1] * cols + matrix[0, 2]
    source_cols = matrix[1, 0] * rows + matrix[1, 1] * cols + matrix[1, 2]
    out = np.stack([_sample(channel, source_rows, source_cols, order, fill_mode, cval) for channel in channels])
    return np.rollaxis(out, 0, channel_axis + 1)


def _random(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order, **params):
    return apply_affine_transform(x, row_axis=row_axis, col_axis=col_axis, channel_axis=channel_axis,
                                  fill_mode=fill_mode, cval=cval, order=interpolation_order, **params)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                    interpolation_order=1):
    """Rotated by an angle drawn uniformly from [-rg, rg] degrees."""
    theta = np.random.uniform(-rg, rg)
    return _random(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                   theta=theta)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                 interpolation_order=1):
    """Shifted by fractions of the height (hrg) and width (wrg) drawn uniformly from [-range, range]."""
    x = np.asarray(x)
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return _random(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                   tx=tx, ty=ty)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                 interpolation_order=1):
    """Sheared by an angle drawn uniformly from [-intensity, intensity] degrees."""
    shear = np.random.uniform(-intensity, intensity)
    return _random(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                   shear=shear)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode="nearest", cval=0.0,
                interpolation_order=1):
    """Zoomed by two factors (rows, columns) drawn uniformly from `zoom_range` (below 1 enlarges)."""
    if len(zoom_range) != 2:
        raise ValueError(f"random_zoom: 'zoom_range' must be a tuple or list of two floats, received {zoom_range!r}")
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return _random(x, row_axis, col_axis, channel_axis, fill_mode, cval, interpolation_order,
                   zx=zx, zy=zy)


def apply_channel_shift(x, intensity, channel_axis=0):
    """Every channel shifted by `intensity`, clipped to the image's original value range."""
    x = np.rollaxis(np.asarray(x), channel_axis, 0)
    low, high = np.min(x), np.max(x)
    x = np.stack([np.clip(channel + intensity, low, high) for channel in x], axis=0)
    return np.rollaxis(x, 0, channel_axis + 1)


def random_channel_shift(x, intensity_range, channel_axis=0):
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def apply_brightness_shift(x, brightness, scale=True):
    """Brightness scaled by `brightness` through Pillow's ImageEnhance (so values are rounded to 8-bit
    levels, as in tf-keras); with `scale=False` an image outside [0, 255] keeps its own range."""
    from tkeras.preprocessing.image.image_io import array_to_img, img_to_array, pil_module
    enhance = pil_module("ImageEnhance")
    x = np.asarray(x)
    low, high = np.min(x), np.max(x)
    local_scale = bool(low < 0 or high > 255)
    image = array_to_img(x, scale=local_scale or scale)
    out = img_to_array(enhance.Brightness(image).enhance(brightness))
    if not scale and local_scale:
        out = out / 255 * (high - low) + low
    return out


def random_brightness(x, brightness_range, scale=True):
    if len(brightness_range) != 2:
        raise ValueError(f"random_brightness: 'brightness_range' must be a tuple or list of two floats, received "
                         f"{brightness_range!r}")
    return apply_brightness_shift(x, np.random.uniform(brightness_range[0], brightness_range[1]), scale)


def flip_axis(x, axis):
    return np.flip(np.asarray(x), axis)
