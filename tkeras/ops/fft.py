"""Keras 3's Fourier ops: `fft`, `fft2`, `ifft2`, `rfft`, `irfft`, `stft`, `istft` on `torch.fft`.

Keras passes complex values as a (real, imaginary) pair of float tensors, in and out, so that every
backend can hold them; the pair is joined into one complex tensor for torch's kernel and split again.
"""
import torch

from tkeras.ops.core import tensor, user_op

WINDOWS = {"hann": torch.hann_window, "hamming": torch.hamming_window}


def _complex(op, x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{op}: argument 'x' must be a (real, imaginary) pair of tensors, received "
                         f"{type(x).__name__}")
    real, imag = tensor(x[0]), tensor(x[1])
    if real.shape != imag.shape:
        raise ValueError(f"{op}: the real and imaginary parts must have the same shape, received "
                         f"{tuple(real.shape)} and {tuple(imag.shape)}")
    if not real.is_floating_point() or not imag.is_floating_point():
        raise TypeError(f"{op}: the real and imaginary parts must be floating point, received "
                        f"{str(real.dtype).replace('torch.', '')} and {str(imag.dtype).replace('torch.', '')}")
    return torch.complex(real, imag.to(real.dtype))


def _parts(value):
    return value.real.contiguous(), value.imag.contiguous()


def _real_input(op, x):
    x = tensor(x)
    if x.is_complex():
        raise TypeError(f"{op}: argument 'x' must be a real tensor, received {str(x.dtype).replace('torch.', '')}")
    if not x.is_floating_point():  # integers and bools are cast to floatx, as Keras does
        x = x.to(torch.get_default_dtype())
    return x


@user_op
def fft(x):
    return _parts(torch.fft.fft(_complex("fft", x), dim=-1))


@user_op
def fft2(x):
    return _parts(torch.fft.fft2(_complex("fft2", x), dim=(-2, -1)))


@user_op
def ifft2(x):
    return _parts(torch.fft.ifft2(_complex("ifft2", x), dim=(-2, -1)))


@user_op
def rfft(x, fft_length=None):
    return _parts(torch.fft.rfft(_real_input("rfft", x), n=fft_length, dim=-1))


@user_op
def irfft(x, fft_length=None):
    spectrum = _complex("irfft", x)
    if fft_length is None and spectrum.shape[-1] == 1:  # 2 * (1 - 1) samples: empty, as in Keras
        return spectrum.real.new_zeros(spectrum.shape[:-1] + (0,))
    return torch.fft.irfft(spectrum, n=fft_length, dim=-1)


def _window(op, window, sequence_length, dtype, device):
    if window is None:
        return torch.ones(sequence_length, dtype=dtype, device=device)
    if isinstance(window, str):
        if window not in WINDOWS:
            raise ValueError(f"{op}: argument 'window' must be one of {sorted(WINDOWS)}, a tensor or None, received "
                             f"{window!r}")
        return WINDOWS[window](sequence_length, periodic=True, dtype=dtype, device=device)
    window = tensor(window).to(dtype)
    if tuple(window.shape) != (sequence_length,):
        raise ValueError(f"{op}: 'window' must have shape ({sequence_length},) (sequence_length), received "
                         f"{tuple(window.shape)}")
    return window


def _check_lengths(op, sequence_length, fft_length):
    if fft_length < sequence_length:
        raise ValueError(f"{op}: 'fft_length' ({fft_length}) must be at least 'sequence_length' "
                         f"({sequence_length})")


@user_op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """(real, imaginary) of shape (..., frames, fft_length // 2 + 1)."""
    x = _real_input("stft", x)
    _check_lengths("stft", sequence_length, fft_length)
    win = _window("stft", window, sequence_length, x.dtype, x.device)
    batch = x.shape[:-1]
    spectrum = torch.stft(x.reshape(-1, x.shape[-1]), n_fft=fft_length, hop_length=sequence_stride,
                          win_length=sequence_length, window=win, center=center, return_complex=True)
    spectrum = spectrum.reshape(tuple(batch) + tuple(spectrum.shape[-2:])).transpose(-2, -1)
    return _parts(spectrum)


@user_op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The signal back from `stft`'s (real, imaginary) frames (overlap-add, window-normalised)."""
    spectrum = _complex("istft", x)
    _check_lengths("istft", sequence_length, fft_length)
    win = _window("istft", window, sequence_length, spectrum.real.dtype, spectrum.device)
    batch = spectrum.shape[:-2]
    if not center:
        signal = _overlap_add(spectrum.reshape((-1,) + tuple(spectrum.shape[-2:])), sequence_stride, fft_length,
                              length, win)
        return signal.reshape(tuple(batch) + (signal.shape[-1],))
    frames = spectrum.reshape((-1,) + tuple(spectrum.shape[-2:])).transpose(-2, -1)
    signal = torch.istft(frames, n_fft=fft_length, hop_length=sequence_stride, win_length=sequence_length,
                         window=win, center=center, length=length)
    return signal.reshape(tuple(batch) + (signal.shape[-1],))


def _overlap_add(spectrum, sequence_stride, fft_length, length, win):
    """(N, frames, bins) -> (N, samples) for center=False: windowed overlap-add divided by the summed
    squared window where that is non-zero. torch.istft refuses this case for windows that start at 0
    (hann's first sample), though only the first sample lacks cover."""
    frames = torch.fft.irfft(spectrum, n=fft_length, dim=-1)  # (N, T, fft_length)
    left = (fft_length - win.shape[0]) // 2
    win = torch.nn.functional.pad(win, (left, fft_length - win.shape[0] - left))
    count = frames.shape[-2]
    total = fft_length + sequence_stride * (count - 1)

    def add(values):  # (N, T, fft_length) -> (N, total)
        return torch.nn.functional.fold(values.transpose(1, 2), (1, total), (1, fft_length),
                                        stride=(1, sequence_stride)).reshape(values.shape[0], total)
    signal = add(frames * win)
    norm = add((win * win).expand(1, count, fft_length))
    signal = signal / torch.where(norm > 1e-10, norm, torch.ones_like(norm))
    return signal[..., :total if length is None else int(length)]
