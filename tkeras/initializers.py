"""Weight initializers with Keras' defaults and fan rules (not torch's), returning torch tensors.

Keras computes fans from its own weight layouts (Dense kernel (in, out); Conv kernel (k..., in, out)),
so the same names give the same distributions as in Keras for weights stored in Keras' layout.
"""
import math

import numpy as np
import torch

from tkeras.backend import config
from tkeras.utils.lookup import canonical, lookup_error


def compute_fans(shape, input_axes=None, output_axes=None):
    """Fans of a weight in Keras' layout; `input_axes`/`output_axes` (Keras 3.15) name the axes whose
    sizes multiply into each fan, for kernels such as EinsumDense's whose layout is not (..., in, out)."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return int(np.prod([shape[a] for a in input_axes])), int(np.prod([shape[a] for a in output_axes]))
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class Initializer:
    """Base class: `init(shape, dtype)` -> tensor. A `seed` makes the values reproducible."""

    def __init__(self, seed=None):
        self.seed = seed

    def _generator(self):
        if self.seed is None:
            return None
        return torch.Generator().manual_seed(int(self.seed))

    def __call__(self, shape, dtype=None):
        raise NotImplementedError

    def get_config(self):
        return {"seed": self.seed} if "seed" in self.__dict__ else {}

    @classmethod
    def from_config(cls, config_):
        from tkeras.saving.config_compat import class_config
        return cls(**class_config(cls, config_))  # the one key check every config route shares

    def clone(self):
        """A new initializer of the same class and config (the same seed, so the same values)."""
        return type(self).from_config(self.get_config())


def _float_dtype(dtype):
    return config.standardize_dtype(dtype)


class Zeros(Initializer):
    def __init__(self):
        pass

    def __call__(self, shape, dtype=None):
        return torch.zeros(tuple(shape), dtype=_float_dtype(dtype))

    def get_config(self):
        return {}


class Ones(Zeros):
    def __call__(self, shape, dtype=None):
        return torch.ones(tuple(shape), dtype=_float_dtype(dtype))


class Constant(Initializer):
    """A scalar fills the variable; an array (keras-io's movielens example passes a genres matrix to an
    Embedding) is broadcast to the variable's shape, as Keras 3 does."""

    def __init__(self, value=0.0):
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":  # how Keras 3 writes an array
            value = np.asarray(value["config"]["value"], dtype=value["config"].get("dtype"))
        self.value = value

    def __call__(self, shape, dtype=None):
        if np.ndim(self.value) == 0:
            return torch.full(tuple(shape), float(self.value), dtype=_float_dtype(dtype))
        values = torch.as_tensor(np.asarray(self.value)).to(_float_dtype(dtype))
        return values.broadcast_to(tuple(shape)).clone()

    def get_config(self):
        if np.ndim(self.value) == 0:
            return {"value": self.value}
        array = np.asarray(self.value)
        return {"value": {"class_name": "__numpy__", "config": {"value": array.tolist(), "dtype": array.dtype.name}}}


class RandomNormal(Initializer):
    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        out = torch.empty(tuple(shape), dtype=torch.float32)
        out.normal_(self.mean, self.stddev, generator=self._generator())
        return out.to(_float_dtype(dtype))

    def get_config(self):
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        out = torch.empty(tuple(shape), dtype=torch.float32)
        out.uniform_(self.minval, self.maxval, generator=self._generator())
        return out.to(_float_dtype(dtype))

    def get_config(self):
        return {"seed": self.seed, "minval": self.minval, "maxval": self.maxval}


class TruncatedNormal(Initializer):
    """Normal values re-drawn outside two standard deviations, as Keras does."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        out = torch.empty(tuple(shape), dtype=torch.float32)
        torch.nn.init.trunc_normal_(out, 0.0, 1.0, -2.0, 2.0, generator=self._generator())
        return (out * self.stddev + self.mean).to(_float_dtype(dtype))

    def get_config(self):
        return {"seed": self.seed, "mean": self.mean, "stddev": self.stddev}


class VarianceScaling(Initializer):
    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None,
                 output_axes=None):
        super().__init__(seed)
        if (input_axes is None) != (output_axes is None):
            raise ValueError(f"{type(self).__name__}: input_axes and output_axes go together; received "
                             f"input_axes={input_axes!r}, output_axes={output_axes!r}")
        self.input_axes = list(input_axes) if input_axes is not None else None
        self.output_axes = list(output_axes) if output_axes is not None else None
        if scale <= 0.0:
            raise ValueError(f"VarianceScaling: scale must be positive, received {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"VarianceScaling: mode must be 'fan_in', 'fan_out' or 'fan_avg', received {mode!r}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(
                "VarianceScaling: distribution must be 'truncated_normal', 'untruncated_normal' or "
                f"'uniform', received {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        variance = self.scale / max(1.0, n)
        gen = self._generator()
        out = torch.empty(tuple(shape), dtype=torch.float32)
        if self.distribution == "truncated_normal":
            # 0.8796... is the stddev of a unit normal truncated to [-2, 2].
            std = math.sqrt(variance) / 0.87962566103423978
            torch.nn.init.trunc_normal_(out, 0.0, 1.0, -2.0, 2.0, generator=gen)
            out.mul_(std)
        elif self.distribution == "untruncated_normal":
            out.normal_(0.0, math.sqrt(variance), generator=gen)
        else:
            limit = math.sqrt(3.0 * variance)
            out.uniform_(-limit, limit, generator=gen)
        return out.to(_float_dtype(dtype))

    def get_config(self):
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _scaled(name, scale, mode, distribution):
    class _Named(VarianceScaling):
        def __init__(self, seed=None, input_axes=None, output_axes=None):
            super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

        def get_config(self):
            return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}
    _Named.__name__ = _Named.__qualname__ = name
    return _Named


GlorotUniform = _scaled("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _scaled("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _scaled("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _scaled("HeNormal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _scaled("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _scaled("LecunNormal", 1.0, "fan_in", "truncated_normal")


class Orthogonal(Initializer):
    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal initializer needs a shape of rank >= 2, received {shape}")
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        flat = torch.empty((max(rows, cols), min(rows, cols)), dtype=torch.float32)
        flat.normal_(0.0, 1.0, generator=self._generator())
        q, r = torch.linalg.qr(flat)
        q = q * torch.sign(torch.diagonal(r))
        if rows < cols:
            q = q.T
        return (self.gain * q.reshape(shape)).to(_float_dtype(dtype))

    def get_config(self):
        return {"seed": self.seed, "gain": self.gain}


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape = tuple(shape)
        if len(shape) != 2:
            raise ValueError(f"Identity initializer needs a 2-D shape, received {shape}")
        return (self.gain * torch.eye(*shape)).to(_float_dtype(dtype))

    def get_config(self):
        # Keras 3.15 writes {} (and so loses a non-default gain); the gain is kept when it matters.
        return {} if self.gain == 1.0 else {"gain": self.gain}


# scipy.signal's window names Keras' STFT initializer accepts most often; torch computes the same values.
_WINDOWS = {"hann": torch.hann_window, "hamming": torch.hamming_window, "blackman": torch.blackman_window,
            "bartlett": torch.bartlett_window, "boxcar": torch.ones}


def _stft_window(window, length, periodic):
    if isinstance(window, str):
        if window not in _WINDOWS:
            raise ValueError(f"STFT initializer: `window` must be one of {sorted(_WINDOWS)}, an array of the frame "
                             f"length or None, received {window!r}")
        if window == "boxcar":
            return torch.ones(length, dtype=torch.float64)
        return _WINDOWS[window](length, periodic=periodic, dtype=torch.float64)
    values = torch.as_tensor(np.asarray(window, dtype="float64"))
    if tuple(values.shape) != (length,):
        raise ValueError(f"STFT initializer: `window` must have shape ({length},) (the frame length), received "
                         f"{tuple(values.shape)}")
    return values


class STFT(Initializer):
    """Kernels whose convolution with a signal is its short-time Fourier transform (STFTSpectrogram's).

    For a shape `(frame_length, 1, fft_bins)`, entry (t, 0, f) is cos (side "real") or sin (side "imag")
    of -2*pi*t*f / (2 * (fft_bins - 1)), times the window at t divided by the window's L2 norm
    (scaling "density") or L1 norm ("spectrum"). `window`: "hann", "hamming", "blackman", "bartlett",
    "boxcar", an array of `frame_length` values or None; `periodic` takes the window of length
    `frame_length + 1` without its last value (scipy's `fftbins`).
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in ("real", "imag"):
            raise ValueError(f"STFT initializer: `side` must be 'real' or 'imag', received {side!r}")
        if isinstance(window, str) and window not in _WINDOWS:
            raise ValueError(f"STFT initializer: `window` must be one of {sorted(_WINDOWS)}, an array or None, "
                             f"received {window!r}")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"STFT initializer: `scaling` must be None, 'density' or 'spectrum', received {scaling!r}")
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, periodic

    def __call__(self, shape, dtype=None):
        frame_length, _, fft_bins = shape
        time = torch.arange(frame_length, dtype=torch.float64).reshape(frame_length, 1, 1)
        freq = torch.arange(fft_bins, dtype=torch.float64).reshape(1, 1, fft_bins) / ((fft_bins - 1) * 2)
        angle = -2.0 * math.pi * time * freq
        kernel = torch.cos(angle) if self.side == "real" else torch.sin(angle)
        if self.window is not None:
            window = _stft_window(self.window, frame_length, self.periodic).reshape(frame_length, 1, 1)
            kernel = kernel * window
            if self.scaling == "density":
                kernel = kernel / torch.sqrt(torch.sum(window ** 2))
            elif self.scaling == "spectrum":
                kernel = kernel / torch.sum(torch.abs(window))
        return kernel.to(_float_dtype(dtype))

    def get_config(self):
        window = self.window.tolist() if hasattr(self.window, "tolist") else self.window
        return {"side": self.side, "window": window, "periodic": self.periodic, "scaling": self.scaling}


_CLASSES = {cls.__name__: cls for cls in (
    Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
    GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, Identity,
    STFT)}
_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "xavier_uniform": GlorotUniform,
    "xavier_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
    "identity": Identity, "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
    "stft": STFT, "STFTInitializer": STFT,
    # Keras 1 names: 'uniform' and 'normal' drew from +-0.05 and N(0, 0.05).
    "uniform": RandomUniform, "normal": RandomNormal,
}
_LOOKUP = {canonical(k): v for k, v in {**_CLASSES, **_ALIASES}.items()}

# Lowercase function-style aliases, as `keras.initializers.glorot_uniform(seed=1)` worked in Keras 2.
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal, orthogonal, identity = LecunUniform, LecunNormal, Orthogonal, Identity
variance_scaling = VarianceScaling
# Keras 3.0's class names, still public aliases in Keras 3.15.
OrthogonalInitializer, IdentityInitializer = Orthogonal, Identity
# Keras 3.10+ spells the STFT initializer three ways.
STFTInitializer = stft = STFT


def get(identifier):
    """Name, config dict, class, instance or any `f(shape, dtype)` -> an initializer callable."""
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _LOOKUP.get(canonical(identifier))
        if cls is None:
            # A custom initializer saved by name (Keras 2 files, a function's config): custom_objects, an
            # active custom_object_scope or the registry say which one it is.
            from tkeras.saving.serialization import get_registered_object
            custom = get_registered_object(identifier)
            if custom is None or (isinstance(custom, type) and not issubclass(custom, Initializer)):
                raise lookup_error("initializer", identifier, _ALIASES)
            return get(custom)
        return cls()
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, (int, float)):
        return Constant(identifier)
    if callable(identifier):
        return _called_with_dtype(identifier)
    raise TypeError(f"Could not interpret initializer identifier {identifier!r}")


def _called_with_dtype(function):
    """Layers call an initializer as `f(shape, dtype=...)`. Keras 1 init functions take `(shape, name)`
    (`init=lambda shape, name: initializations.normal(shape, scale=0.01, name=name)`), some take only
    the shape, and they return a variable: adapt those, and leave any function that takes `dtype`."""
    import functools
    import inspect
    try:
        params = inspect.signature(function, follow_wrapped=False).parameters
    except (TypeError, ValueError):
        return function
    if "dtype" in params or any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return function
    extra = {"name": None} if "name" in params else {}
    if "dim_ordering" in params:
        extra["dim_ordering"] = "tf"  # tkeras' kernels are in TensorFlow's layout (rows, cols, in, out)

    @functools.wraps(function)
    def initializer(shape, dtype=None):
        value = function(shape, **extra)
        return value.detach() if isinstance(value, torch.Tensor) else value

    return initializer


def serialize(initializer):
    """The Keras 3 config dict of an initializer (or None)."""
    from tkeras.saving.serialization import serialize_keras_object
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from a Keras 3 or Keras 2 config dict, or a name. Keras 1/2 names
    ('glorot_uniform', 'IdentityInitializer') resolve here, case- and underscore-insensitively."""
    from tkeras.saving.serialization import deserialize_in_namespace
    return deserialize_in_namespace(config, custom_objects, namespace="initializers", kind="initializer",
                                    lookup=_LOOKUP, names=_ALIASES, get=get)
