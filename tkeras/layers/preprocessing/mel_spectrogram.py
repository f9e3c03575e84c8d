"""`MelSpectrogram`: raw audio -> a mel-scaled (by default decibel) spectrogram, `(..., num_mel_bins, frames)`.

Keras' recipe, step by step: a centred STFT (`ops.stft`, reflect-padded, periodic window), magnitudes
raised to `mag_exp`, a triangular HTK mel filter bank (peaks of 1, the DC bin excluded), then
`10 * log10(max(S, min_power) / max(|ref_power|, min_power))` floored at `max - top_db`, where `max`
is taken over the whole batch as Keras does. The filter bank is built once per spectrum size in
float64 and cast; outputs match Keras 3.15.1 (tests/fixtures/preprocessing_extra_reference.json).
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.layers.layer import Layer
from tkeras.ops.fft import WINDOWS, stft
from tkeras.layers.preprocessing._data_layer import DataLayerMethods

# HTK's mel scale: mel(f) = 1127 * ln(1 + f / 700).
_MEL_BREAK_HZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(frequencies):
    return _MEL_HIGH_FREQUENCY_Q * np.log1p(np.asarray(frequencies, dtype=np.float64) / _MEL_BREAK_HZ)


def linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                                upper_edge_hertz):
    """`(num_spectrogram_bins, num_mel_bins)` triangles, linear in mel, over `[lower, upper]` Hz."""
    linear_mel = hertz_to_mel(np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:])[:, None]
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    rising = (linear_mel - lower) / (center - lower)
    falling = (upper - linear_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, [[1, 0], [0, 0]])  # the DC bin gets no weight


class MelSpectrogram(DataLayerMethods, Layer):
    """Mel spectrogram of a single `(samples,)` or batched `(batch, samples)` float signal.

    Args:
        fft_length: FFT size; `sequence_length` (default `fft_length`) is the window length and
            `sequence_stride` the hop between frames.
        window: "hann", "hamming", an array of `sequence_length` values, or None (no window).
        sampling_rate: samples per second of the input.
        num_mel_bins, min_freq, max_freq: the mel bands and their frequency range (default up to
            the Nyquist frequency).
        power_to_db: convert to decibels relative to `ref_power`, floored at `top_db` below the peak.
        mag_exp: exponent of the STFT magnitude (1 magnitude, 2 power); `min_power` floors the power.
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann",
                 sampling_rate=16000, num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True,
                 top_db=80.0, mag_exp=2.0, min_power=1e-10, ref_power=1.0, **kwargs):
        sequence_length = sequence_length or fft_length
        if fft_length < sequence_length:
            raise ValueError(f"MelSpectrogram: `fft_length` must be at least `sequence_length`; received "
                             f"sequence_length={sequence_length}, fft_length={fft_length}")
        if isinstance(window, str) and window not in WINDOWS:
            raise ValueError(f"MelSpectrogram: `window` must be one of {sorted(WINDOWS)}, an array of "
                             f"sequence_length values or None, received {window!r}")
        super().__init__(**kwargs)
        self.fft_length, self.sequence_stride, self.sequence_length = fft_length, sequence_stride, sequence_length
        self.window, self.sampling_rate, self.num_mel_bins = window, sampling_rate, num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db, self.top_db, self.mag_exp = power_to_db, top_db, mag_exp
        self.min_power, self.ref_power = min_power, ref_power

    def call(self, inputs):
        dtype = torch.float64 if inputs.dtype == torch.float64 else torch.float32  # the STFT runs in these
        signal = inputs.to(dtype)
        real, imag = stft(signal, self.sequence_length, self.sequence_stride, self.fft_length,
                              window=self.window, center=True)  # (..., frames, bins)
        spectrum = torch.sqrt(real.square() + imag.square()) ** self.mag_exp
        matrix = torch.as_tensor(linear_to_mel_weight_matrix(
            self.num_mel_bins, spectrum.shape[-1], self.sampling_rate, self.min_freq, self.max_freq),
            dtype=dtype, device=spectrum.device)
        mel = spectrum @ matrix
        if self.power_to_db:
            mel = self._decibels(mel)
        return mel.transpose(-1, -2).to(config.standardize_dtype(self.compute_dtype))

    def linear_to_mel_weight_matrix(self, num_mel_bins=20, num_spectrogram_bins=129, sampling_rate=8000,
                                    lower_edge_hertz=125.0, upper_edge_hertz=3800.0, dtype="float32"):
        """The (num_spectrogram_bins, num_mel_bins) matrix that maps a linear-frequency spectrum to mel
        bands (triangles, linear in mel, over [lower_edge_hertz, upper_edge_hertz]; the DC bin gets none)."""
        if not 0.0 <= lower_edge_hertz < upper_edge_hertz:
            raise ValueError(f"MelSpectrogram {self.name!r}: need 0 <= lower_edge_hertz < upper_edge_hertz; "
                             f"received lower_edge_hertz={lower_edge_hertz}, upper_edge_hertz={upper_edge_hertz}")
        if upper_edge_hertz > sampling_rate / 2:
            raise ValueError(f"MelSpectrogram {self.name!r}: upper_edge_hertz={upper_edge_hertz} is above the "
                             f"Nyquist frequency sampling_rate / 2 = {sampling_rate / 2}")
        matrix = linear_to_mel_weight_matrix(num_mel_bins, num_spectrogram_bins, sampling_rate, lower_edge_hertz,
                                             upper_edge_hertz)
        return torch.as_tensor(matrix, dtype=config.standardize_dtype(dtype))

    def _decibels(self, power):
        log_power = 10.0 * torch.log10(power.clamp_min(self.min_power))
        log_power = log_power - 10.0 * float(np.log10(max(abs(self.ref_power), self.min_power)))
        return torch.maximum(log_power, log_power.max() - self.top_db)

    def compute_output_shape(self, input_shape):
        # A centred STFT gives 1 + samples // stride frames.
        samples = input_shape[-1]
        frames = None if samples is None else 1 + samples // self.sequence_stride
        return tuple(input_shape[:-1]) + (self.num_mel_bins, frames)

    def get_config(self):
        config_ = super().get_config()
        config_.update({"fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                        "sequence_length": self.sequence_length, "window": self.window,
                        "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                        "min_freq": self.min_freq, "max_freq": self.max_freq, "power_to_db": self.power_to_db,
                        "top_db": self.top_db, "mag_exp": self.mag_exp, "min_power": self.min_power,
                        "ref_power": self.ref_power})
        return config_
