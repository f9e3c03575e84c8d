"""`tf.signal`: framing, windows, FFTs, short-time Fourier transforms and mel features, as speech and
audio examples compute spectrograms inside `Dataset.map`.

TensorFlow's conventions: `stft` frames the signal without centring (frames start at 0, step
`frame_step`), multiplies each frame by a periodic Hann window and zero-pads it on the right to
`fft_length` (by default the next power of two) before a real FFT; mel scales are HTK's
(1127 · ln(1 + f / 700)).
"""
import math

import torch
import torch.nn.functional as F

from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.ops.core import tensor, to_torch_dtype, user_op


def _float(x):
    x = tensor(x)
    return x if x.is_floating_point() or x.is_complex() else x.to(torch.float32)


@user_op
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1, name=None):
    """Overlapping frames of `frame_length` every `frame_step` along `axis` (a new axis after it);
    `pad_end` pads so that every sample starts or falls in some frame."""
    x = tensor(signal)
    axis = axis % x.dim()
    length, frame_length, frame_step = x.shape[axis], int(frame_length), int(frame_step)
    if pad_end:
        frames = -(-length // frame_step)
        missing = max((frames - 1) * frame_step + frame_length - length, 0)
        pad = [0, 0] * (x.dim() - 1 - axis) + [0, missing]
        x = F.pad(x, pad, value=float(pad_value)) if missing else x
    if x.shape[axis] < frame_length:
        return x.new_zeros((*x.shape[:axis], 0, frame_length, *x.shape[axis + 1:]))
    out = x.unfold(axis, frame_length, frame_step)  # (..., frames, ..., frame_length) with frame_length last
    return torch.movedim(out, -1, axis + 1)


def _window(length, periodic, alpha, dtype):
    length = int(length)
    if length == 1:
        return torch.ones(1, dtype=to_torch_dtype(dtype))
    n = torch.arange(length, dtype=torch.float64)
    denominator = length if periodic else length - 1
    values = alpha - (1 - alpha) * torch.cos(2 * math.pi * n / denominator)
    return values.to(to_torch_dtype(dtype))


@user_op
def hann_window(window_length, periodic=True, dtype=torch.float32, name=None):
    return _window(window_length, periodic, 0.5, dtype)


@user_op
def hamming_window(window_length, periodic=True, dtype=torch.float32, name=None):
    return _window(window_length, periodic, 0.54, dtype)


def _fft_length(fft_length, default):
    if fft_length is None:
        return default
    values = fft_length.tolist() if hasattr(fft_length, "tolist") else fft_length
    return int(values[0]) if isinstance(values, (list, tuple)) else int(values)


@user_op
def rfft(input_tensor, fft_length=None, name=None):  # noqa: A002
    x = _float(input_tensor)
    return torch.fft.rfft(x, n=_fft_length(fft_length, x.shape[-1]))


@user_op
def irfft(input_tensor, fft_length=None, name=None):
    x = tensor(input_tensor)
    return torch.fft.irfft(x, n=_fft_length(fft_length, 2 * (x.shape[-1] - 1)))


@user_op
def fft(input, name=None):  # noqa: A002
    return torch.fft.fft(tensor(input))


@user_op
def ifft(input, name=None):  # noqa: A002
    return torch.fft.ifft(tensor(input))


@user_op
def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window, pad_end=False, name=None):
    """Complex64 (..., frames, fft_length // 2 + 1): the real FFT of each windowed frame."""
    x = _float(signals)
    frame_length = int(frame_length)
    fft_length = _fft_length(fft_length, 1 << max(frame_length - 1, 0).bit_length())
    frames = frame(x, frame_length, int(frame_step), pad_end=pad_end)
    if window_fn is not None:
        frames = frames * tensor(window_fn(frame_length, dtype=x.dtype)).to(x.device)
    return torch.fft.rfft(frames, n=fft_length)


def _hertz_to_mel(frequencies):
    return 1127.0 * torch.log1p(frequencies / 700.0)


@user_op
def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype=torch.float32, name=None):
    """(num_spectrogram_bins, num_mel_bins) triangular filters, evenly spaced in mel, that turn a linear
    magnitude spectrogram into a mel spectrogram (`tf.tensordot(magnitudes, matrix, 1)`); the DC bin is 0."""
    if not 0.0 <= lower_edge_hertz < upper_edge_hertz <= sample_rate / 2.0:
        raise ValueError(f"tf.signal.linear_to_mel_weight_matrix: need 0 <= lower_edge_hertz < upper_edge_hertz <= "
                         f"sample_rate / 2, received {lower_edge_hertz}, {upper_edge_hertz}, {sample_rate}")
    linear = torch.linspace(0.0, sample_rate / 2.0, int(num_spectrogram_bins), dtype=torch.float64)[1:]
    bins_mel = _hertz_to_mel(linear)[:, None]
    edges = torch.linspace(float(_hertz_to_mel(torch.tensor(float(lower_edge_hertz), dtype=torch.float64))),
                           float(_hertz_to_mel(torch.tensor(float(upper_edge_hertz), dtype=torch.float64))),
                           int(num_mel_bins) + 2, dtype=torch.float64)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    weights = torch.clamp(torch.minimum((bins_mel - lower) / (center - lower), (upper - bins_mel) / (upper - center)),
                          min=0.0)
    return F.pad(weights, (0, 0, 1, 0)).to(to_torch_dtype(dtype))


@user_op
def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None):
    """Mel-frequency cepstral coefficients: an orthonormal DCT-II of the log-mel bins (last axis)."""
    x = _float(log_mel_spectrograms)
    bins = x.shape[-1]
    k = torch.arange(bins, dtype=torch.float64, device=x.device)
    basis = torch.cos(math.pi / bins * (k[None, :] + 0.5) * k[:, None])  # (coefficient, bin)
    dct_ii = 2.0 * basis.to(x.dtype)
    return torch.matmul(x, dct_ii.T) / math.sqrt(2.0 * bins)


from tkeras.compat.tf_namespace._signal_fft import (  # noqa: E402
    fft2d, fft3d, fftnd, fftshift, ifft2d, ifft3d, ifftnd, ifftshift, irfft2d, irfft3d, irfftnd, rfft2d, rfft3d,
    rfftnd,
)
from tkeras.compat.tf_namespace._signal_transforms import (  # noqa: E402
    dct, idct, inverse_mdct, inverse_stft, inverse_stft_window_fn, kaiser_bessel_derived_window, kaiser_window, mdct,
    overlap_and_add, vorbis_window,
)

__getattr__ = module_getattr("tf.signal")
