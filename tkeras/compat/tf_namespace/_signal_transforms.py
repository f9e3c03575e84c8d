"""`tf.signal`'s cosine transforms, extra windows and the inverses of framing (overlap-add, inverse
STFT, MDCT).

The DCTs go through a real FFT of twice the length, so their rounding follows TensorFlow's closely;
only `axis=-1` exists, as in TensorFlow, and type I refuses `norm='ortho'`.
"""
import math

import torch

from tkeras.ops.core import tensor, to_torch_dtype, user_op

_INVERSE_TYPE = {1: 1, 2: 3, 3: 2, 4: 4}


def _real(x):
    x = tensor(x)
    return x if x.dtype in (torch.float16, torch.float32, torch.float64) else x.to(torch.float32)


def _check_dct(x, dct_type, n, axis, norm, api):
    if axis != -1:
        raise NotImplementedError(f"tf.signal.{api}: axis must be -1. Got: {axis}")
    if n is not None and n < 1:
        raise ValueError(f"tf.signal.{api}: n should be a positive integer or None")
    if dct_type not in (1, 2, 3, 4):
        raise ValueError(f"tf.signal.{api}: Types I, II, III and IV (I)DCT are supported.")
    if dct_type == 1:
        if norm == "ortho":
            raise ValueError(f"tf.signal.{api}: Normalization is not supported for the Type-I DCT.")
        if x.shape[-1] < 2:
            raise ValueError(f"tf.signal.{api}: Type-I DCT requires the dimension to be greater than one.")
    if norm not in (None, "ortho"):
        raise ValueError(f"tf.signal.{api}: Unknown normalization. Expected None or 'ortho', got: {norm}")


def _dct(x, dct_type, n, norm):
    if n is not None:
        x = x[..., :n] if n <= x.shape[-1] else torch.nn.functional.pad(x, (0, n - x.shape[-1]))
    length = x.shape[-1]
    k = torch.arange(length, dtype=x.dtype, device=x.device)
    if dct_type == 1:  # the even extension's FFT is real
        return torch.fft.rfft(torch.cat([x, x[..., 1:-1].flip(-1)], dim=-1)).real
    if dct_type == 2:
        twiddle = 2.0 * torch.exp(torch.complex(torch.zeros_like(k), -k * math.pi * 0.5 / length))
        out = (torch.fft.rfft(x, n=2 * length)[..., :length] * twiddle).real
        if norm == "ortho":
            first = 0.5 / math.sqrt(length)
            weights = torch.full_like(k, first * math.sqrt(2.0))
            weights[0] = first
            out = out * weights
        return out
    if dct_type == 3:
        if norm == "ortho":
            weights = torch.full_like(k, math.sqrt(length) * math.sqrt(0.5))
            weights[0] = math.sqrt(length)
            x = x * weights
        else:
            x = x * length
        twiddle = 2.0 * torch.exp(torch.complex(torch.zeros_like(k), k * math.pi * 0.5 / length))
        return torch.fft.irfft(twiddle * torch.complex(x, torch.zeros_like(x)), n=2 * length)[..., :length]
    # type IV: the odd bins of a type-II transform of the signal zero-padded to twice its length
    out = _dct(x, 2, 2 * length, None)[..., 1::2]
    return out * (math.sqrt(0.5) / math.sqrt(length)) if norm == "ortho" else out


@user_op
def dct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    x = _real(input)
    _check_dct(x, type, n, axis, norm, "dct")
    return _dct(x, type, n, norm)


@user_op
def idct(input, type=2, n=None, axis=-1, norm=None, name=None):  # noqa: A002
    """The matching inverse type; without `norm='ortho'` it is off by 2N (N - 1 for type I), as in TF."""
    x = _real(input)
    _check_dct(x, type, n, axis, norm, "idct")
    return _dct(x, _INVERSE_TYPE[type], n, norm)


def _window_length(window_length, dtype, api):
    dtype = to_torch_dtype(dtype)
    if not dtype.is_floating_point:
        raise ValueError(f"tf.signal.{api}: dtype must be a floating point type. Found {dtype}")
    value = window_length.tolist() if hasattr(window_length, "tolist") else window_length
    if isinstance(value, (list, tuple)):
        raise ValueError(f"tf.signal.{api}: `window_length` must be a scalar, received {value}")
    return int(value), dtype


def _kaiser(length, beta, dtype):
    if length == 1:
        return torch.ones(1, dtype=dtype)
    half = (length - 1) / 2.0
    position = torch.arange(length, dtype=torch.float32) - torch.tensor(half, dtype=torch.float32)
    position = position.to(dtype)
    beta = torch.tensor(float(beta), dtype=dtype)
    argument = beta * torch.sqrt(torch.relu(1.0 - torch.square(position / torch.tensor(half, dtype=dtype))))
    # exponentially scaled Bessel functions keep large `beta` from overflowing
    return torch.exp(argument - beta) * (torch.special.i0e(argument) / torch.special.i0e(beta))


@user_op
def kaiser_window(window_length, beta=12.0, dtype=torch.float32, name=None):
    length, dtype = _window_length(window_length, dtype, "kaiser_window")
    return _kaiser(length, beta, dtype)


@user_op
def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=torch.float32, name=None):
    """Power-complementary (w[n]^2 + w[n + N/2]^2 = 1), which is what makes the MDCT invertible."""
    length, dtype = _window_length(window_length, dtype, "kaiser_bessel_derived_window")
    running = torch.cumsum(_kaiser(length // 2 + 1, beta, dtype), dim=0)
    half = torch.sqrt(running[:-1] / running[-1])
    return torch.cat([half, half.flip(0)])


@user_op
def vorbis_window(window_length, dtype=torch.float32, name=None):
    length, dtype = _window_length(window_length, dtype, "vorbis_window")
    n = torch.arange(length).to(dtype)
    return torch.sin(math.pi / 2.0 * torch.pow(torch.sin(math.pi / torch.tensor(length, dtype=dtype) * (n + 0.5)),
                                               2.0))


def _overlap_add(frames, step):
    frame_count, frame_length = frames.shape[-2], frames.shape[-1]
    outer = frames.shape[:-2]
    total = frame_length + step * (frame_count - 1) if frame_count else 0
    flat = frames.reshape(-1, frame_count * frame_length)
    positions = (torch.arange(frame_count, device=frames.device)[:, None] * step
                 + torch.arange(frame_length, device=frames.device)[None, :]).reshape(-1)
    out = flat.new_zeros((flat.shape[0], total))
    out.index_add_(1, positions, flat)
    return out.reshape(*outer, total)


@user_op
def overlap_and_add(signal, frame_step, name=None):
    """Sums frames (..., frames, frame_length) placed `frame_step` apart: the inverse of `frame`."""
    x = tensor(signal)
    if x.dim() < 2:
        raise ValueError(f"tf.signal.overlap_and_add: `signal` must have rank at least 2, received shape "
                         f"{tuple(x.shape)}")
    if isinstance(frame_step, torch.Tensor):
        if frame_step.dim() != 0:
            raise ValueError("tf.signal.overlap_and_add: `frame_step` must be a scalar")
        if frame_step.is_floating_point():
            raise ValueError(f"frame_step must be an integer. Got {frame_step.dtype}")
    elif isinstance(frame_step, float):
        raise ValueError("frame_step must be an integer. Got float32")
    return _overlap_add(x, int(frame_step))


def _enclosing_power_of_two(value):
    return 1 << max(int(value) - 1, 0).bit_length()


def inverse_stft_window_fn(frame_step, forward_window_fn=None, name=None):
    """A window that undoes `forward_window_fn`'s overlapping weights (Griffin and Lim's equation 7),
    for `inverse_stft`."""
    if forward_window_fn is None:
        from tkeras.compat.tf_namespace.signal import hann_window as forward_window_fn
    step = int(frame_step)

    def window_fn(frame_length, dtype=torch.float32):
        frame_length = int(frame_length)
        forward = tensor(forward_window_fn(frame_length, dtype=dtype))
        overlaps = -(-frame_length // step)
        squares = torch.nn.functional.pad(torch.square(forward), (0, overlaps * step - frame_length))
        denominator = squares.reshape(overlaps, step).sum(0, keepdim=True).repeat(overlaps, 1).reshape(-1)
        denominator = denominator[:frame_length]
        return torch.where(denominator == 0, torch.zeros_like(forward), forward / denominator)
    return window_fn


def _default_hann(length, dtype=torch.float32):
    from tkeras.compat.tf_namespace.signal import hann_window
    return hann_window(length, dtype=dtype)


@user_op
def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=_default_hann, name=None):
    x = tensor(stfts)
    if x.dim() < 2:
        raise ValueError(f"tf.signal.inverse_stft: `stfts` must have rank at least 2, received shape "
                         f"{tuple(x.shape)}")
    if not x.is_complex():
        x = x.to(torch.complex128 if x.dtype == torch.float64 else torch.complex64)
    frame_length = int(frame_length)
    fft_length = _enclosing_power_of_two(frame_length) if fft_length is None else int(fft_length)
    frames = torch.fft.irfft(x, n=fft_length)
    if frames.shape[-1] > frame_length:
        frames = frames[..., :frame_length]
    elif frames.shape[-1] < frame_length:
        frames = torch.nn.functional.pad(frames, (0, frame_length - frames.shape[-1]))
    if window_fn is not None:
        frames = frames * tensor(window_fn(frame_length, dtype=frames.dtype)).to(frames.device)
    return _overlap_add(frames, int(frame_step))


def _default_vorbis(length, dtype=torch.float32):
    return vorbis_window(length, dtype=dtype)


@user_op
def mdct(signals, frame_length, window_fn=_default_vorbis, pad_end=False, norm=None, name=None):
    """(..., frames, frame_length // 2) with frames half a frame apart; `window_fn=None` scales by
    1/sqrt(2) instead of windowing."""
    from tkeras.compat.tf_namespace.signal import frame
    x = _real(signals)
    frame_length = int(frame_length)
    if frame_length % 4 != 0:
        raise ValueError("tf.signal.mdct: The frame length must be a multiple of 4.")
    frames = tensor(frame(x, frame_length, frame_length // 2, pad_end=pad_end))
    if window_fn is not None:
        frames = frames * tensor(window_fn(frame_length, dtype=frames.dtype)).to(frames.device)
    else:
        frames = frames * (1.0 / math.sqrt(2))
    a, b, c, d = torch.chunk(frames, 4, dim=-1)
    folded = torch.cat([-c.flip(-1) - d, a - b.flip(-1)], dim=-1)
    return _dct(folded, 4, None, norm)


@user_op
def inverse_mdct(mdcts, window_fn=_default_vorbis, norm=None, name=None):
    x = _real(mdcts)
    if x.dim() < 2:
        raise ValueError(f"tf.signal.inverse_mdct: `mdcts` must have rank at least 2, received shape "
                         f"{tuple(x.shape)}")
    half = x.shape[-1]
    if norm is None:
        unfolded = (0.5 / half) * _dct(x, 4, None, None)
    elif norm == "ortho":
        unfolded = _dct(x, 4, None, "ortho")
    else:
        raise ValueError(f"tf.signal.inverse_mdct: Unknown normalization. Expected None or 'ortho', got: {norm}")
    first, second = torch.chunk(unfolded, 2, dim=-1)
    frames = torch.cat([second, -second.flip(-1), -first.flip(-1), -first], dim=-1)
    if window_fn is not None:
        frames = frames * tensor(window_fn(2 * half, dtype=frames.dtype)).to(frames.device)
    else:
        frames = frames * (1.0 / math.sqrt(2))
    return _overlap_add(frames, half)
