"""`STFTSpectrogram`: a multi-channel signal -> its short-time Fourier transform, as a trainable conv.

Keras computes the STFT as a strided 1-D convolution with two kernels (the real and imaginary Fourier
bases times the window, from the `STFT` initializer), so the transform can be fine-tuned like any
other weights. tkeras does the same with torch's conv1d on every channel independently, with Keras'
weight names, layout `(frame_length, 1, fft_length // 2 + 1)`, "same" padding split as TensorFlow
splits it, and output layouts; values match Keras 3.15.1 (tests/fixtures/preprocessing_extra_reference.json).
"""
import math

import torch
import torch.nn.functional as F

from tkeras import initializers
from tkeras.backend import config
from tkeras.layers.convolutional._conv_utils import normalize_data_format, output_length
from tkeras.layers.input_spec import InputSpec
from tkeras.layers.layer import Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """Short-time Fourier transform of each channel of a `(batch, time, channels)` signal.

    Args:
        mode: "log" (log magnitude), "magnitude", "psd" (power, interior bins doubled: one-sided
            density), "real", "imag", "angle" or "stft" (real then imaginary bins).
        frame_length: samples per frame (the window length).
        frame_step: samples between frames; default `frame_length // 2`.
        fft_length: FFT size (>= frame_length); default the next power of two of `frame_length`.
        window, periodic, scaling: the `STFT` initializer's window ("hann", "hamming", ... or None),
            periodic window, and "density"/"spectrum"/None normalisation.
        padding: "valid" or "same" along time.
        expand_dims: keep channels and frequencies on separate axes instead of one flat axis.
        data_format: "channels_last" (batch, time, channels) or "channels_first" (batch, channels, time).

    Output (channels_last): `(batch, frames, channels * bins)`, or `(batch, frames, bins, channels)` with
    `expand_dims`; bins is `fft_length // 2 + 1` (twice that for "stft").
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann",
                 periodic=False, scaling="density", padding="valid", expand_dims=False, data_format=None, **kwargs):
        if mode not in MODES:
            raise ValueError(f"STFTSpectrogram: `mode` must be one of {MODES}, received {mode!r}")
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"STFTSpectrogram: `frame_step` must be a positive integer not greater than "
                             f"`frame_length` ({frame_length}), received {frame_step!r}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"STFTSpectrogram: `fft_length` must be at least `frame_length` ({frame_length}), "
                             f"received {fft_length!r}")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"STFTSpectrogram: `scaling` must be None, 'density' or 'spectrum', received {scaling!r}")
        if padding not in ("valid", "same"):
            raise ValueError(f"STFTSpectrogram: `padding` must be 'valid' or 'same', received {padding!r}")
        initializers.STFT("real", window, scaling, periodic)  # an unknown window name fails here, named
        super().__init__(**kwargs)
        self.mode, self.frame_length, self.frame_step, self.fft_length = mode, frame_length, frame_step, fft_length
        self.window, self.periodic, self.scaling, self.padding = window, periodic, scaling, padding
        self.expand_dims = expand_dims
        self.data_format = normalize_data_format(data_format, "STFTSpectrogram")
        self._frame_step = frame_step or frame_length // 2
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape, initializer=initializers.STFT(
                "real", self.window, self.scaling, self.periodic))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape, initializer=initializers.STFT(
                "imag", self.window, self.scaling, self.periodic))
        self.built = True

    def call(self, inputs):
        if inputs.dtype not in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
            raise TypeError(f"STFTSpectrogram: the signal must be float16, float32 or float64, received "
                            f"{str(inputs.dtype).replace('torch.', '')}")
        signal = inputs.transpose(1, 2) if self.data_format == "channels_last" else inputs  # (B, C, T)
        batch, channels, _ = signal.shape
        frames = signal.reshape(batch * channels, 1, -1)
        if self.padding == "same":
            frames = F.pad(frames, _same_padding(frames.shape[-1], self.frame_length, self._frame_step))
        real = imag = None
        if self.mode != "imag":
            real = self._transform(frames, self.real_kernel, batch, channels)  # (B, C, bins, frames)
        if self.mode != "real":
            imag = self._transform(frames, self.imag_kernel, batch, channels)
        if self.mode in ("real", "imag", "angle", "stft"):
            values = {"real": real, "imag": imag, "stft": None, "angle": None}[self.mode]
            if self.mode == "angle":
                values = torch.atan2(imag, real)
            elif self.mode == "stft":
                values = torch.cat([real, imag], dim=2)
            return self._arranged(values)
        power = real.square() + imag.square()
        if self.mode == "psd":
            # One-sided density: every bin but DC and Nyquist holds its negative-frequency twin too.
            return self._arranged(power + F.pad(power[:, :, 1:-1, :], (0, 0, 1, 1)))
        magnitude = torch.sqrt(power.clamp_min(config.epsilon()))
        if self.mode == "magnitude":
            return self._arranged(magnitude)
        return self._arranged(torch.log(magnitude.clamp_min(config.epsilon())))

    def _transform(self, frames, kernel, batch, channels):
        weight = kernel.to(frames.dtype).permute(2, 1, 0)  # (bins, 1, frame_length): torch's conv layout
        out = F.conv1d(frames, weight, stride=self._frame_step)
        return out.reshape(batch, channels, out.shape[1], out.shape[2])

    def _arranged(self, values):
        """(batch, channels, bins, frames) -> the layout of `data_format` and `expand_dims`."""
        batch, channels, bins, frames = values.shape
        if self.expand_dims:
            return values.permute(0, 3, 2, 1) if self.data_format == "channels_last" else values.permute(0, 1, 3, 2)
        flat = values.reshape(batch, channels * bins, frames)
        return flat.transpose(1, 2) if self.data_format == "channels_last" else flat

    def compute_output_shape(self, input_shape):
        batch = input_shape[0]
        time, channels = ((input_shape[1], input_shape[2]) if self.data_format == "channels_last"
                          else (input_shape[2], input_shape[1]))
        bins = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        frames = output_length(time, self.frame_length, self._frame_step, self.padding)
        if self.expand_dims:
            return (batch, frames, bins, channels) if self.data_format == "channels_last" else (
                batch, channels, frames, bins)
        flat = None if channels is None else channels * bins
        return (batch, frames, flat) if self.data_format == "channels_last" else (batch, flat, frames)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"mode": self.mode, "frame_length": self.frame_length, "frame_step": self.frame_step,
                        "fft_length": self.fft_length, "window": self.window, "periodic": self.periodic,
                        "scaling": self.scaling, "padding": self.padding, "data_format": self.data_format,
                        "expand_dims": self.expand_dims})
        return config_


def _same_padding(length, kernel, stride):
    """TensorFlow's "same": ceil(length / stride) frames, the padding split with the extra sample last."""
    frames = -(-length // stride)
    total = max((frames - 1) * stride + kernel - length, 0)
    return (total // 2, total - total // 2)
