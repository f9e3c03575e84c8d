"""`tf.nn` window ops beyond plain pooling: `max_pool_with_argmax` (segmentation unpooling needs TensorFlow's
flat indices), grayscale morphology (`dilation2d`, `erosion2d`) and fractional pooling.

All work NHWC and share one window extractor: pad with -inf (so padding never wins a max), unfold, reduce.
Fractional pooling draws its pooling sequences with torch's generator, so the boundaries differ from
TensorFlow's for the same seed; given the same sequences (`_fractional_pool_from_sequences`), the pooled
values are TensorFlow's.
"""
import math

import torch
import torch.nn.functional as F

from tkeras.compat.tf_namespace._nn_conv import _pad_widths, _spatial
from tkeras.ops.core import for_user, tensor, user_op


def _windows(x, ksize, strides, rates, padding, op):
    """NHWC x -> ([N, C, kh*kw, out_h, out_w] windows, (out_h, out_w), (pad_top, pad_left))."""
    nc = x.movedim(-1, 1)
    widths = _pad_widths(op, padding, nc.shape[2:], ksize, strides, rates, True)
    padded = F.pad(nc, widths, value=-math.inf)
    out_h = (padded.shape[2] - (ksize[0] - 1) * rates[0] - 1) // strides[0] + 1
    out_w = (padded.shape[3] - (ksize[1] - 1) * rates[1] - 1) // strides[1] + 1
    cols = F.unfold(padded, ksize, dilation=rates, stride=strides)
    cols = cols.reshape(nc.shape[0], nc.shape[1], ksize[0] * ksize[1], out_h, out_w)
    return cols, (out_h, out_w), (widths[2], widths[0])


@user_op
def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC", output_dtype=torch.int64,  # noqa: A002
                         include_batch_in_index=False, name=None):
    """Max pooling that also says where each maximum came from, as a flat NHWC position
    ((y * width + x) * channels + c, plus batch * height * width * channels when asked)."""
    from tkeras.backend import config
    x = tensor(input)
    n, h, w, c = x.shape
    k = _spatial("ksize", ksize, 2, True)
    s = _spatial("strides", strides, 2, True)
    cols, (oh, ow), (top, left) = _windows(x, k, s, (1, 1), padding, "max_pool_with_argmax")
    values = cols.max(2).values
    # the first maximum in row-major window order, as TensorFlow scans
    first = ((cols == values.unsqueeze(2)).cumsum(2) == 0).sum(2)
    ys = torch.arange(oh, device=x.device).reshape(oh, 1) * s[0] + torch.div(first, k[1], rounding_mode="floor") - top
    xs = torch.arange(ow, device=x.device).reshape(1, ow) * s[1] + first % k[1] - left
    flat = (ys * w + xs) * c + torch.arange(c, device=x.device).reshape(1, c, 1, 1)
    if include_batch_in_index:
        flat = flat + torch.arange(n, device=x.device).reshape(n, 1, 1, 1) * (h * w * c)
    return values.movedim(1, -1), flat.movedim(1, -1).to(config.standardize_dtype(output_dtype))


def _morph_args(strides, dilations, data_format):
    if data_format is not None and str(data_format).upper() != "NHWC":
        raise ValueError(f"Data formats other than NHWC are not yet supported. Received: data_format={data_format}")
    return _spatial("strides", strides, 2, True), _spatial("dilations", dilations, 2, True)


def _dilate(x, filters, strides, rates, padding, op):
    kh, kw, c = filters.shape
    cols, _, _ = _windows(x, (kh, kw), strides, rates, padding, op)
    return (cols + filters.to(x.dtype).reshape(kh * kw, c).t().reshape(1, c, kh * kw, 1, 1)).max(2).values \
        .movedim(1, -1)


@user_op
def dilation2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):  # noqa: A002
    """Grayscale dilation: the max over each window of input + structuring element."""
    s, r = _morph_args(strides, dilations, data_format)
    return _dilate(tensor(input), tensor(filters), s, r, padding, "dilation2d")


@user_op
def erosion2d(value, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """Grayscale erosion, the dual of dilation: -dilation(-value) with the structuring element reflected."""
    s, r = _morph_args(strides, dilations, data_format)
    return -_dilate(-tensor(value), torch.flip(tensor(filters), [0, 1]), s, r, padding, "erosion2d")


def _ratios(pooling_ratio, api):
    if isinstance(pooling_ratio, (int, float)):
        if api == "fractional_avg_pool":
            raise TypeError(f"Expected list for 'pooling_ratio' argument to '{api}' Op, not {pooling_ratio}.")
        pooling_ratio = [pooling_ratio]
    ratios = [float(r) for r in pooling_ratio]
    if len(ratios) == 1:
        ratios = [1.0, ratios[0], ratios[0], 1.0]
    elif len(ratios) == 2:
        ratios = [1.0, *ratios, 1.0]
    if len(ratios) != 4 or ratios[0] != 1.0 or ratios[3] != 1.0:
        raise ValueError(f"`pooling_ratio` should have first and last elements with value 1.0. Received: "
                         f"pooling_ratio={list(pooling_ratio)}")
    if ratios[1] < 1.0 or ratios[2] < 1.0:
        raise ValueError(f"`pooling_ratio` must be >= 1.0 for height and width. Received: pooling_ratio={ratios}")
    return ratios


def _pooling_sequence(size, out, pseudo_random, generator):
    """Cumulative boundaries [0, ..., size] of `out` intervals whose lengths are floor(size/out) or one more."""
    if pseudo_random:
        alpha = size / out
        k = size // out
        most = min((k + 2) / alpha - 1, (size + 1 - k) / alpha - (out - 1))
        u = float(torch.rand((), generator=generator, dtype=torch.float64)) * most
        edges = [1] + [int(math.ceil(alpha * (i + u))) for i in range(1, out)] + [size + 1]
        lengths = [b - a for a, b in zip(edges, edges[1:])]
    else:
        k, extra = divmod(size, out)
        base = torch.tensor([k + 1] * extra + [k] * (out - extra))
        lengths = base[torch.randperm(out, generator=generator)].tolist()
    bounds = [0]
    for length in lengths:
        bounds.append(bounds[-1] + length)
    return bounds


def _pool_axis(x, bounds, axis, overlapping, reduce):
    """Pools `x` along one axis over intervals [bounds[i], bounds[i+1]) (closed at the right end when
    overlapping, so neighbours share their boundary row)."""
    size = x.shape[axis]
    pieces = []
    for start, stop in zip(bounds, bounds[1:]):
        end = min(stop + 1 if overlapping else stop, size)
        part = x.narrow(axis, start, end - start)
        pieces.append(part.amax(axis) if reduce == "max" else part.mean(axis))
    return torch.stack(pieces, axis)


def _fractional_pool_from_sequences(value, rows, cols, overlapping, reduce):
    """NHWC pooling over given boundaries; a rectangle's max (or mean) is the max (mean) over its rows of the
    max (mean) over its columns, so the two axes pool one after the other."""
    x = tensor(value)
    rows = [int(v) for v in tensor(rows).reshape(-1).tolist()]
    cols = [int(v) for v in tensor(cols).reshape(-1).tolist()]
    return _pool_axis(_pool_axis(x, rows, 1, overlapping, reduce), cols, 2, overlapping, reduce)


def _fractional(value, pooling_ratio, pseudo_random, overlapping, seed, api, reduce):
    ratios = _ratios(pooling_ratio, api)
    x = tensor(value)
    if x.dim() != 4:
        raise ValueError(f"{api}: `value` must be 4-D (NHWC), received shape {tuple(x.shape)}")
    # seed 0 means "not seeded": torch's global generator then, so torch.manual_seed still reproduces a run
    generator = torch.Generator().manual_seed(int(seed)) if seed else None
    sequences = []
    for axis in (1, 2):
        out = int(math.floor(x.shape[axis] / ratios[axis]))
        if out <= 0:
            raise ValueError(f"{api}: pooling_ratio {ratios[axis]} leaves no output along dimension {axis} of size "
                             f"{x.shape[axis]}")
        sequences.append(_pooling_sequence(x.shape[axis], out, pseudo_random, generator))
    pooled = _fractional_pool_from_sequences(x, sequences[0], sequences[1], overlapping, reduce)
    rows, cols = (torch.tensor(s, dtype=torch.int64, device=x.device) for s in sequences)
    return for_user(pooled), for_user(rows), for_user(cols)


def fractional_max_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0, name=None):
    """Max pooling by a non-integer factor (Graham, 2014): returns (output, row and column boundaries)."""
    return _fractional(value, pooling_ratio, pseudo_random, overlapping, seed, "fractional_max_pool", "max")


def fractional_avg_pool(value, pooling_ratio, pseudo_random=False, overlapping=False, seed=0, name=None):
    return _fractional(value, pooling_ratio, pseudo_random, overlapping, seed, "fractional_avg_pool", "avg")
