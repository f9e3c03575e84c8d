"""STFTSpectrogram, the STFT initializer and MelSpectrogram against real Keras 3.15.1's outputs on a fixed
signal (tests/fixtures/preprocessing_extra_reference.json, script beside it) and against NumPy's FFT.

Float32 STFTs computed by two FFT/conv implementations differ by ~1e-7 of the signal's scale, so values
whose magnitude is far below the peak (log magnitudes, the phase of near-zero bins, decibels 80 dB
down) can differ more in their own units; they are compared where they are well conditioned, and
everything within 1e-4 of the output's scale."""
import json
import os

import numpy as np
import pytest
import torch

import tkeras as keras
from tests.fixtures.make_preprocessing_extra_reference import (
    MEL_CASES, STFT_CASES, STFT_INITIALIZER_CASES, STFT_SIGNAL, signal)

with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures",
                       "preprocessing_extra_reference.json")) as _handle:
    REFERENCE = json.load(_handle)


def _keras_config(entry):
    config = dict(entry["config"])
    config["dtype"] = config["dtype"]["config"]["name"]
    return config


@pytest.mark.parametrize("case", STFT_INITIALIZER_CASES, ids=[c[0] for c in STFT_INITIALIZER_CASES])
def test_stft_initializer_matches_keras(case):
    name, kwargs, shape = case
    init = keras.initializers.STFT(**kwargs)
    np.testing.assert_allclose(np.asarray(init(shape)), REFERENCE["stft_initializer"][name]["output"], atol=1e-6)
    assert init.get_config() == REFERENCE["stft_initializer"][name]["config"]


def test_stft_initializer_names_and_errors():
    assert keras.initializers.STFTInitializer is keras.initializers.STFT is keras.initializers.stft
    assert isinstance(keras.initializers.get("stft"), keras.initializers.STFT)
    restored = keras.initializers.deserialize({"class_name": "STFTInitializer", "config": {"side": "imag"}})
    assert isinstance(restored, keras.initializers.STFT) and restored.side == "imag"
    with pytest.raises(ValueError, match="STFT initializer: `side` must be 'real' or 'imag', received 'both'"):
        keras.initializers.STFT(side="both")
    with pytest.raises(ValueError, match="STFT initializer: `window` must be one of .*received 'kaiserr'"):
        keras.initializers.STFT(window="kaiserr")


@pytest.mark.parametrize("case", STFT_CASES, ids=[c[0] for c in STFT_CASES])
def test_stft_spectrogram_matches_keras(case):
    name, kwargs, channels_first = case
    expected = REFERENCE["stft"][name]
    x = signal(*STFT_SIGNAL)
    if channels_first:
        x = np.transpose(x, (0, 2, 1))
    layer = keras.layers.STFTSpectrogram(**kwargs)
    out = np.asarray(layer(x))
    ref = np.asarray(expected["output"], dtype="float32")
    assert out.shape == ref.shape == tuple(layer.compute_output_shape(x.shape))
    if kwargs["mode"] == "log":
        # exp(log|X|) is |X|: within 1e-4 of the largest magnitude; the logs themselves where |X| > 1e-2.
        np.testing.assert_allclose(np.exp(out), np.exp(ref), atol=1e-4 * np.exp(ref).max())
        conditioned = np.exp(ref) > 1e-2
        np.testing.assert_allclose(out[conditioned], ref[conditioned], atol=1e-4)
    elif kwargs["mode"] == "angle":
        # Angles compared on the circle (pi and -pi are one angle); the phase of a ~0 bin is noise.
        wrapped = np.abs((out - ref + np.pi) % (2 * np.pi) - np.pi)
        magnitude = np.asarray(keras.layers.STFTSpectrogram(**{**kwargs, "mode": "magnitude"})(x))
        assert wrapped[magnitude > 0.1].max() < 1e-4  # a phase error is about the (1e-6) error / |X|
    else:
        np.testing.assert_allclose(out, ref, atol=1e-4 * max(1.0, np.abs(ref).max()))
    assert [w.path for w in layer.weights] == [p.replace(expected["config"]["name"], layer.name)
                                               for p in expected["weights"]]
    assert layer.get_config() == {**_keras_config(expected), "name": layer.name}


def test_stft_spectrogram_is_numpy_rfft_of_windowed_frames():
    x = signal(1, 100, 1)
    layer = keras.layers.STFTSpectrogram(mode="stft", frame_length=20, frame_step=10, fft_length=32,
                                         window="hamming", scaling=None, expand_dims=True)
    out = np.asarray(layer(x))[0, :, :, 0]  # (frames, 2 * bins)
    window = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(20) / 19)  # symmetric Hamming
    frames = np.stack([x[0, start:start + 20, 0] * window for start in range(0, 81, 10)])
    spectrum = np.fft.rfft(frames, n=32)
    np.testing.assert_allclose(out, np.concatenate([spectrum.real, spectrum.imag], axis=1), atol=1e-5)
    assert len(layer.trainable_weights) == 2


def test_stft_spectrogram_errors_name_the_argument():
    with pytest.raises(ValueError, match="STFTSpectrogram: `mode` must be one of"):
        keras.layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match="STFTSpectrogram: `frame_step` must be a positive integer not greater"):
        keras.layers.STFTSpectrogram(frame_length=8, frame_step=9)
    with pytest.raises(ValueError, match=r"STFTSpectrogram: `fft_length` must be at least `frame_length` \(8\)"):
        keras.layers.STFTSpectrogram(frame_length=8, fft_length=4)
    with pytest.raises(ValueError, match="STFT initializer: `window`"):
        keras.layers.STFTSpectrogram(window="tukeyy")
    with pytest.raises(TypeError, match="STFTSpectrogram: the signal must be float16, float32 or float64, received int32"):
        keras.layers.STFTSpectrogram(frame_length=4)(torch.ones((1, 8, 1), dtype=torch.int32))


def test_stft_spectrogram_in_a_functional_model():
    inputs = keras.Input((120, 2))
    outputs = keras.layers.STFTSpectrogram(mode="magnitude", frame_length=16, frame_step=8)(inputs)
    assert tuple(outputs.shape) == (None, 14, 18)
    model = keras.Model(inputs, outputs)
    assert model.predict(signal(*STFT_SIGNAL), verbose=0).shape == (2, 14, 18)


@pytest.mark.parametrize("case", MEL_CASES, ids=[c[0] for c in MEL_CASES])
def test_mel_spectrogram_matches_keras(case):
    name, kwargs, shape = case
    expected = REFERENCE["mel"][name]
    x = signal(shape[0], shape[1]) if len(shape) == 2 else signal(1, shape[0])[0]
    layer = keras.layers.MelSpectrogram(**kwargs)
    out = np.asarray(layer(x))
    ref = np.asarray(expected["output"], dtype="float32")
    assert out.shape == ref.shape == tuple(layer.compute_output_shape(x.shape))
    np.testing.assert_allclose(out, ref, atol=1e-4 * np.abs(ref).max())
    if kwargs.get("power_to_db", True):
        # Decibels of bands within 40 dB of the peak are well conditioned: equal within 1e-4 dB.
        loud = ref > ref.max() - 40
        np.testing.assert_allclose(out[loud], ref[loud], atol=1e-4)
    assert layer.get_config() == {**_keras_config(expected), "name": layer.name}


def test_mel_filter_bank_is_htk_triangles():
    from tkeras.layers.preprocessing.mel_spectrogram import linear_to_mel_weight_matrix
    matrix = linear_to_mel_weight_matrix(4, 33, 1000, 20.0, 500.0)
    assert matrix.shape == (33, 4) and not matrix[0].any()  # the DC bin carries nothing
    mel = 1127 * np.log1p(np.linspace(0, 500, 33) / 700)
    edges = np.linspace(1127 * np.log1p(20 / 700), 1127 * np.log1p(500 / 700), 6)
    for band in range(4):
        low, mid, high = edges[band:band + 3]
        triangle = np.clip(np.minimum((mel - low) / (mid - low), (high - mel) / (high - mid)), 0, None)
        np.testing.assert_allclose(matrix[1:, band], triangle[1:], atol=1e-12)


def test_mel_spectrogram_errors_and_functional_shape():
    with pytest.raises(ValueError, match="MelSpectrogram: `fft_length` must be at least `sequence_length`"):
        keras.layers.MelSpectrogram(fft_length=64, sequence_length=128)
    with pytest.raises(ValueError, match=r"MelSpectrogram: `window` must be one of \['hamming', 'hann'\]"):
        keras.layers.MelSpectrogram(window="kaiser")
    inputs = keras.Input((400,))
    outputs = keras.layers.MelSpectrogram(fft_length=128, sequence_stride=32, num_mel_bins=16,
                                          sampling_rate=1000)(inputs)
    assert tuple(outputs.shape) == (None, 16, 13)
    np.testing.assert_allclose(keras.Model(inputs, outputs).predict(signal(2, 400), verbose=0),
                               REFERENCE["mel"]["batched db"]["output"], atol=1e-4 * 50)
