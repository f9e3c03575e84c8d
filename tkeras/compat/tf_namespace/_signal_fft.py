"""The multi-dimensional FFTs of `tf.signal` (fft2d ... irfftnd, fftshift).

TensorFlow's rules kept here: the `2d`/`3d` transforms act on the innermost two or three axes; the `nd`
ones default to *every* axis and to the input's own sizes; a real transform pads or crops each axis to
`fft_length` first, and its inverse reads only `fft_length[-1] // 2 + 1` bins of the last axis.
"""
import torch

from tkeras.ops.core import tensor, user_op


def _complex(x):
    x = tensor(x)
    if x.is_complex():
        return x
    return x.to(torch.complex128 if x.dtype == torch.float64 else torch.complex64)


def _lengths(fft_length, rank, api):
    if fft_length is None:
        return None
    values = fft_length.tolist() if hasattr(fft_length, "tolist") else fft_length
    values = [int(v) for v in (values if isinstance(values, (list, tuple)) else [values])]
    if rank is not None and len(values) != rank:
        raise ValueError(f"tf.signal.{api}: `fft_length` must hold {rank} sizes, received {values}")
    return values


def _real_input(x, api):
    x = tensor(x)
    if x.dtype in (torch.float32, torch.float64):
        return x
    if x.is_complex() or x.dtype == torch.bool:
        raise ValueError(f"tf.signal.{api}: RFFT requires tf.float32 or tf.float64 inputs, got dtype {x.dtype}")
    return x.to(torch.float32)


def _complex_input(x, api):
    x = tensor(x)
    if not x.is_complex():
        raise ValueError(f"tf.signal.{api}: IRFFT requires tf.complex64 or tf.complex128 inputs, got dtype {x.dtype}")
    return x


def _inner_axes(x, rank, api):
    if x.dim() < rank:
        raise ValueError(f"tf.signal.{api}: the input must have rank at least {rank}, received shape "
                         f"{tuple(x.shape)}")
    return tuple(range(-rank, 0))


@user_op
def fft2d(input, name=None):  # noqa: A002
    x = _complex(input)
    return torch.fft.fftn(x, dim=_inner_axes(x, 2, "fft2d"))


@user_op
def ifft2d(input, name=None):  # noqa: A002
    x = _complex(input)
    return torch.fft.ifftn(x, dim=_inner_axes(x, 2, "ifft2d"))


@user_op
def fft3d(input, name=None):  # noqa: A002
    x = _complex(input)
    return torch.fft.fftn(x, dim=_inner_axes(x, 3, "fft3d"))


@user_op
def ifft3d(input, name=None):  # noqa: A002
    x = _complex(input)
    return torch.fft.ifftn(x, dim=_inner_axes(x, 3, "ifft3d"))


def _rfft_rank(rank, api):
    def transform(input_tensor, fft_length=None, name=None):
        x = _real_input(input_tensor, api)
        dims = _inner_axes(x, rank, api)
        return torch.fft.rfftn(x, s=_lengths(fft_length, rank, api), dim=dims)
    transform.__name__ = transform.__qualname__ = api
    transform.__doc__ = f"Real FFT over the innermost {rank} axes; the last keeps fft_length // 2 + 1 bins."
    return user_op(transform)


def _irfft_rank(rank, api):
    def transform(input_tensor, fft_length=None, name=None):
        x = _complex_input(input_tensor, api)
        dims = _inner_axes(x, rank, api)
        lengths = _lengths(fft_length, rank, api)
        if lengths is None:
            lengths = [x.shape[d] for d in dims[:-1]] + [max(0, 2 * (x.shape[-1] - 1))]
        return torch.fft.irfftn(x, s=lengths, dim=dims)
    transform.__name__ = transform.__qualname__ = api
    transform.__doc__ = f"Inverse of rfft{rank}d; `fft_length` defaults to 2 * (bins - 1) on the last axis."
    return user_op(transform)


rfft2d, rfft3d = _rfft_rank(2, "rfft2d"), _rfft_rank(3, "rfft3d")
irfft2d, irfft3d = _irfft_rank(2, "irfft2d"), _irfft_rank(3, "irfft3d")


def _axes(x, axes):
    if axes is None:
        return tuple(range(x.dim()))
    values = axes.tolist() if hasattr(axes, "tolist") else axes
    return tuple(int(a) for a in (values if isinstance(values, (list, tuple)) else [values]))


def _norm(norm, api):
    norm = "backward" if norm is None else norm
    if norm not in ("backward", "forward", "ortho"):
        raise ValueError(f"tf.signal.{api}: `norm` must be 'backward', 'forward' or 'ortho', received {norm!r}")
    return norm


@user_op
def fftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    x = _complex(input_tensor)
    dims = _axes(x, axes)
    return torch.fft.fftn(x, s=_lengths(fft_length, len(dims), "fftnd"), dim=dims, norm=_norm(norm, "fftnd"))


@user_op
def ifftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    x = _complex(input_tensor)
    dims = _axes(x, axes)
    return torch.fft.ifftn(x, s=_lengths(fft_length, len(dims), "ifftnd"), dim=dims, norm=_norm(norm, "ifftnd"))


@user_op
def rfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    x = _real_input(input_tensor, "rfftnd")
    dims = _axes(x, axes)
    return torch.fft.rfftn(x, s=_lengths(fft_length, len(dims), "rfftnd"), dim=dims, norm=_norm(norm, "rfftnd"))


@user_op
def irfftnd(input_tensor, fft_length=None, axes=None, norm=None, name=None):
    x = _complex_input(input_tensor, "irfftnd")
    dims = _axes(x, axes)
    lengths = _lengths(fft_length, len(dims), "irfftnd")
    if lengths is None:
        lengths = [x.shape[d] for d in dims[:-1]] + [max(0, 2 * (x.shape[dims[-1]] - 1))]
    return torch.fft.irfftn(x, s=lengths, dim=dims, norm=_norm(norm, "irfftnd"))


@user_op
def fftshift(x, axes=None, name=None):
    """Moves the zero-frequency bin to the centre (every axis unless `axes` names some)."""
    x = tensor(x)
    return torch.fft.fftshift(x, dim=None if axes is None else _axes(x, axes))


@user_op
def ifftshift(x, axes=None, name=None):
    x = tensor(x)
    return torch.fft.ifftshift(x, dim=None if axes is None else _axes(x, axes))
