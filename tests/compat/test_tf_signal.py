"""`tf.audio` and `tf.signal` against real TensorFlow 2.21 (tests/fixtures/tf_signal_reference.npz, made
by make_tf_signal_reference.py): WAV bytes and samples, frames, windows, STFTs, FFTs, mel matrices,
MFCCs; then the speech-example preprocessing inside a tf.data map."""
import pathlib

import numpy as np
import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = np.load(pathlib.Path(__file__).parents[1] / "fixtures" / "tf_signal_reference.npz")
INPUT = {key[len("input/"):]: REFERENCE[key] for key in REFERENCE.files if key.startswith("input/")}
EXPECTED = {key[len("output/"):]: REFERENCE[key] for key in REFERENCE.files if key.startswith("output/")}
MONO, STEREO, SIGNALS = INPUT["mono"], INPUT["stereo"], INPUT["signals"]
WAV = EXPECTED["wav/bytes"].tobytes()
STEREO_WAV = EXPECTED["wav/stereo_bytes"].tobytes()


def _bytes(data):
    return np.frombuffer(bytes(data), dtype=np.uint8)


def _stft():
    return tf.signal.stft(SIGNALS, frame_length=256, frame_step=160, fft_length=384)


def _normalized():
    spectrogram = tf.math.pow(tf.abs(_stft()), 0.5)
    means = tf.math.reduce_mean(spectrogram, 1, keepdims=True)
    stddevs = tf.math.reduce_std(spectrogram, 1, keepdims=True)
    return (spectrogram - means) / (stddevs + 1e-10)


def _fft():
    return tf.signal.fft(tf.complex(SIGNALS, SIGNALS[::-1]))


def _mfcc():
    mel = tf.signal.linear_to_mel_weight_matrix(40, 193, 16000, 80.0, 7600.0)
    return tf.signal.mfccs_from_log_mel_spectrograms(tf.math.log(tf.tensordot(tf.abs(_stft()), mel, 1) + 1e-6))


CALLS = {
    "wav/bytes": lambda: _bytes(tf.audio.encode_wav(MONO, 16000)),
    "wav/loud_bytes": lambda: _bytes(tf.audio.encode_wav(INPUT["loud"], 8000)),
    "wav/stereo_bytes": lambda: _bytes(tf.audio.encode_wav(STEREO, 8000)),
    "decode/audio": lambda: tf.audio.decode_wav(WAV)[0],
    "decode/rate": lambda: tf.audio.decode_wav(WAV)[1],
    "decode/mono_to_2": lambda: tf.audio.decode_wav(WAV, desired_channels=2)[0],
    "decode/stereo_to_1": lambda: tf.audio.decode_wav(STEREO_WAV, desired_channels=1)[0],
    "decode/stereo_to_2": lambda: tf.audio.decode_wav(STEREO_WAV, desired_channels=2)[0],
    "decode/padded": lambda: tf.audio.decode_wav(WAV, desired_samples=320)[0],
    "decode/cut": lambda: tf.audio.decode_wav(WAV, desired_samples=100)[0],
    "frame/valid": lambda: tf.signal.frame(SIGNALS, 64, 30),
    "frame/pad_end": lambda: tf.signal.frame(SIGNALS, 64, 30, pad_end=True, pad_value=0.5),
    "hann/periodic": lambda: tf.signal.hann_window(16),
    "hann/symmetric": lambda: tf.signal.hann_window(16, periodic=False),
    "hamming/periodic": lambda: tf.signal.hamming_window(10),
    "stft/real": lambda: tf.math.real(_stft()),
    "stft/imag": lambda: tf.math.imag(_stft()),
    "stft/default_fft": lambda: tf.abs(tf.signal.stft(SIGNALS, 200, 80)),
    "stft/pad_end": lambda: tf.abs(tf.signal.stft(SIGNALS, 128, 100, pad_end=True)),
    "stft/normalized": _normalized,
    "rfft/real": lambda: tf.math.real(tf.signal.rfft(SIGNALS)),
    "rfft/imag": lambda: tf.math.imag(tf.signal.rfft(SIGNALS)),
    "irfft": lambda: tf.signal.irfft(tf.signal.rfft(SIGNALS)),
    "rfft/padded_abs": lambda: tf.abs(tf.signal.rfft(SIGNALS, fft_length=[700])),
    "fft/real": lambda: tf.math.real(_fft()),
    "fft/imag": lambda: tf.math.imag(_fft()),
    "ifft/real": lambda: tf.math.real(tf.signal.ifft(_fft())),
    "mel/matrix": lambda: tf.signal.linear_to_mel_weight_matrix(40, 193, 16000, 80.0, 7600.0),
    "mel/default": lambda: tf.signal.linear_to_mel_weight_matrix(),
    "mfcc": _mfcc,
}


def test_every_reference_output_has_a_call():
    assert sorted(CALLS) == sorted(EXPECTED)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_matches_tensorflow(key):
    expected, got = EXPECTED[key], CALLS[key]()
    got = got.numpy() if hasattr(got, "numpy") else got
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if expected.dtype.kind == "f":
        scale = max(1.0, float(np.abs(expected).max()))
        np.testing.assert_allclose(got, expected, rtol=1e-4, atol=2e-5 * scale)
    else:
        np.testing.assert_array_equal(got, expected)


def test_speech_preprocessing_in_a_dataset_map(tmp_path):
    paths = []
    for index in range(3):
        path = tmp_path / f"clip_{index}.wav"
        path.write_bytes(bytes(tf.audio.encode_wav(MONO[: 200 + 40 * index], 16000)))
        paths.append(str(path))

    def encode_sample(wav_file, label):
        audio, _ = tf.audio.decode_wav(tf.io.read_file(wav_file))
        audio = tf.cast(tf.squeeze(audio, axis=-1), tf.float32)
        spectrogram = tf.math.pow(tf.abs(tf.signal.stft(audio, frame_length=64, frame_step=32, fft_length=96)), 0.5)
        label = tf.strings.unicode_split(tf.strings.lower(label), input_encoding="UTF-8")
        return spectrogram, len(label)

    ds = tf.data.Dataset.from_tensor_slices((paths, ["Ab", "cde", "F"])).map(encode_sample)
    shapes = [(tuple(s.shape), int(n)) for s, n in ds]
    assert shapes == [((5, 49), 2), ((6, 49), 3), ((7, 49), 1)]
    batched = next(iter(ds.padded_batch(3)))[0]
    assert tuple(batched.shape) == (3, 7, 49)


def test_errors_name_the_function():
    with pytest.raises(ValueError, match=r"tf.audio.decode_wav: the contents are not a readable WAV file"):
        tf.audio.decode_wav(b"RIFF....not a wav")
    with pytest.raises(TypeError, match=r"tf.audio.decode_wav: `contents` must be the bytes of a WAV file"):
        tf.audio.decode_wav("clip.wav")
    with pytest.raises(ValueError, match=r"tf.audio.encode_wav: `audio` must have shape \(samples, channels\)"):
        tf.audio.encode_wav(np.zeros(10), 8000)
    with pytest.raises(ValueError, match=r"linear_to_mel_weight_matrix: need 0 <= lower_edge_hertz"):
        tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=9000.0)
    with pytest.raises(AttributeError, match=r"tf.signal.istft is not supported in tkeras"):
        tf.signal.istft
