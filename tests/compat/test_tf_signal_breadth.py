"""tf.signal's DCTs, multi-dimensional FFTs, inverse STFT, overlap-add, windows and MDCT against real
TensorFlow 2.21 (tests/fixtures/tf_image_signal_random_reference.npz); fftnd-style transforms, which
TensorFlow runs only on GPU, against NumPy."""
import json
import pathlib

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

FIXTURES = pathlib.Path(__file__).parents[1] / "fixtures"
REFERENCE = np.load(FIXTURES / "tf_image_signal_random_reference.npz")
ERRORS = json.loads((FIXTURES / "tf_image_signal_random_reference.json").read_text())["errors"]
SIGNAL, CUBE, WAVE = REFERENCE["input/signal"], REFERENCE["input/cube"], REFERENCE["input/waveform"]
COMPLEX_CUBE = (CUBE + 1j * CUBE[::-1]).astype(np.complex64)


def check(key, result, atol=1e-4, rtol=1e-4):
    want = REFERENCE[key]
    got = result.numpy()
    assert got.shape == want.shape and got.dtype == want.dtype, (key, got.shape, want.shape, got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, atol=atol, rtol=rtol, err_msg=key)


@pytest.mark.parametrize("kind,norm", [(1, None), (2, None), (2, "ortho"), (3, None), (3, "ortho"), (4, None),
                                       (4, "ortho")])
def test_dct_and_idct_all_types(kind, norm):
    check(f"output/dct/{kind}/{norm}", tf.signal.dct(SIGNAL, type=kind, norm=norm))
    check(f"output/idct/{kind}/{norm}", tf.signal.idct(SIGNAL, type=kind, norm=norm))


def test_dct_lengths_dtypes_and_round_trip():
    check("output/dct/n16", tf.signal.dct(SIGNAL, n=16))
    check("output/dct/n30", tf.signal.dct(SIGNAL, type=3, n=30, norm="ortho"))
    check("output/dct/f64", tf.signal.dct(SIGNAL.astype(np.float64), type=4), atol=1e-9, rtol=1e-9)
    for kind in (2, 3, 4):
        back = tf.signal.idct(tf.signal.dct(SIGNAL, type=kind, norm="ortho"), type=kind, norm="ortho")
        np.testing.assert_allclose(back.numpy(), SIGNAL, atol=1e-5)


@pytest.mark.parametrize("key,call", [
    ("dct/ortho1", lambda: tf.signal.dct(SIGNAL, type=1, norm="ortho")),
    ("dct/type5", lambda: tf.signal.dct(SIGNAL, type=5)),
    ("dct/axis", lambda: tf.signal.dct(SIGNAL, axis=0)),
    ("mdct/bad_length", lambda: tf.signal.mdct(WAVE, 30)),
    ("window/int", lambda: tf.signal.vorbis_window(8, dtype=tf.int32)),
])
def test_errors_name_the_same_problem(key, call):
    kind, message = ERRORS[key].split(": ", 1)
    with pytest.raises((ValueError, NotImplementedError)) as info:
        call()
    assert type(info.value).__name__ == kind
    assert message.split(" Found")[0].split(" Got")[0] in str(info.value)


@pytest.mark.parametrize("fn", ["fft2d", "ifft2d", "fft3d", "ifft3d"])
def test_fixed_rank_complex_ffts(fn):
    check(f"output/fft/{fn}", getattr(tf.signal, fn)(COMPLEX_CUBE))


def test_real_ffts_with_and_without_lengths():
    check("output/fft/rfft2d", tf.signal.rfft2d(CUBE))
    check("output/fft/rfft2d_len", tf.signal.rfft2d(CUBE, fft_length=[3, 8]))
    check("output/fft/rfft3d", tf.signal.rfft3d(CUBE))
    check("output/fft/irfft2d", tf.signal.irfft2d(tf.signal.rfft2d(CUBE)))
    check("output/fft/irfft2d_len", tf.signal.irfft2d(tf.signal.rfft2d(CUBE), fft_length=[4, 7]))
    check("output/fft/irfft3d", tf.signal.irfft3d(tf.signal.rfft3d(CUBE)))
    with pytest.raises(ValueError, match="IRFFT requires"):
        tf.signal.irfft2d(CUBE)


def test_nd_ffts_follow_numpy():
    got = tf.signal.fftnd(COMPLEX_CUBE, axes=[1, 3]).numpy()
    assert got.dtype == np.complex64
    np.testing.assert_allclose(got, np.fft.fftn(COMPLEX_CUBE, axes=[1, 3]), atol=1e-4)
    np.testing.assert_allclose(tf.signal.fftnd(COMPLEX_CUBE, fft_length=[4, 8], axes=[1, 2], norm="ortho").numpy(),
                               np.fft.fftn(COMPLEX_CUBE, s=[4, 8], axes=[1, 2], norm="ortho"), atol=1e-4)
    np.testing.assert_allclose(tf.signal.ifftnd(COMPLEX_CUBE, axes=[0, 2], norm="forward").numpy(),
                               np.fft.ifftn(COMPLEX_CUBE, axes=[0, 2], norm="forward"), atol=1e-4)
    np.testing.assert_allclose(tf.signal.fftnd(COMPLEX_CUBE).numpy(), np.fft.fftn(COMPLEX_CUBE), atol=1e-3)
    np.testing.assert_allclose(tf.signal.rfftnd(CUBE, fft_length=[6, 6], axes=[2, 3]).numpy(),
                               np.fft.rfftn(CUBE, s=[6, 6], axes=[2, 3]), atol=1e-4)
    spectrum = np.fft.rfftn(CUBE, axes=[2, 3]).astype(np.complex64)
    back = tf.signal.irfftnd(spectrum, fft_length=[6, 5], axes=[2, 3]).numpy()
    assert back.dtype == np.float32
    np.testing.assert_allclose(back, np.fft.irfftn(spectrum, s=[6, 5], axes=[2, 3]), atol=1e-4)
    assert "FFTND" in ERRORS["fft/fftnd_cpu"]  # why these are checked against NumPy


def test_fftshift():
    check("output/fft/fftshift", tf.signal.fftshift(CUBE), atol=0)
    check("output/fft/fftshift_axes", tf.signal.fftshift(CUBE, axes=[1, 2]), atol=0)
    check("output/fft/ifftshift", tf.signal.ifftshift(CUBE, axes=3), atol=0)


def test_inverse_stft():
    stft = tf.signal.stft(WAVE, 256, 64)
    check("output/inverse_stft/plain", tf.signal.inverse_stft(stft, 256, 64), atol=2e-4)
    restored = tf.signal.inverse_stft(stft, 256, 64, window_fn=tf.signal.inverse_stft_window_fn(64))
    check("output/inverse_stft/window_fn", restored, atol=2e-4)
    np.testing.assert_allclose(restored.numpy()[:, 256:-256], WAVE[:, 256:restored.shape[-1] - 256], atol=1e-4)
    hamming = tf.signal.stft(WAVE, 200, 80, fft_length=256, window_fn=tf.signal.hamming_window)
    check("output/inverse_stft/hamming", tf.signal.inverse_stft(
        hamming, 200, 80, 256, window_fn=tf.signal.inverse_stft_window_fn(80, tf.signal.hamming_window)), atol=2e-4)
    check("output/inverse_stft/short", tf.signal.inverse_stft(stft[..., :65], 300, 100, fft_length=128), atol=2e-4)
    check("output/window/inverse_fn", tf.signal.inverse_stft_window_fn(30)(100, dtype=tf.float32), atol=1e-6)


def test_overlap_and_add():
    rng = np.random.default_rng(0)
    frames = rng.normal(size=(2, 5, 8)).astype(np.float32)
    got = tf.signal.overlap_and_add(frames, 3).numpy()
    want = np.zeros((2, 8 + 3 * 4), np.float32)
    for f in range(5):
        want[:, 3 * f:3 * f + 8] += frames[:, f]
    np.testing.assert_allclose(got, want, atol=1e-6)
    assert REFERENCE["output/overlap_and_add"].shape == got.shape
    check("output/overlap_and_add_fast", tf.signal.overlap_and_add(np.arange(12, dtype=np.float32).reshape(3, 4), 4))
    with pytest.raises(ValueError, match="frame_step must be an integer"):
        tf.signal.overlap_and_add(frames, 2.0)


@pytest.mark.parametrize("length", [1, 2, 7, 16])
def test_windows(length):
    check(f"output/window/kaiser{length}", tf.signal.kaiser_window(length), atol=1e-6)
    check(f"output/window/kaiser{length}_b3", tf.signal.kaiser_window(length, beta=3.0, dtype=tf.float64), atol=1e-12)
    check(f"output/window/kbd{length}", tf.signal.kaiser_bessel_derived_window(length), atol=1e-6)
    check(f"output/window/vorbis{length}", tf.signal.vorbis_window(length), atol=1e-6)


@pytest.mark.parametrize("norm", [None, "ortho"])
@pytest.mark.parametrize("window", ["vorbis", "kbd", "none"])
def test_mdct_and_inverse(norm, window):
    fn = {"vorbis": tf.signal.vorbis_window, "kbd": tf.signal.kaiser_bessel_derived_window, "none": None}[window]
    coefficients = tf.signal.mdct(WAVE, 64, window_fn=fn, pad_end=True, norm=norm)
    check(f"output/mdct/{norm}/{window}", coefficients, atol=2e-4)
    check(f"output/inverse_mdct/{norm}/{window}", tf.signal.inverse_mdct(coefficients, window_fn=fn, norm=norm),
          atol=2e-4)
