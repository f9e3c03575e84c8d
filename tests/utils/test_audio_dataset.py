"""audio_dataset_from_directory against tf-keras 2.21 on the same WAV files (tests/fixtures/
audio_reference.json, made by tests/fixtures/make_audio_reference.py), plus the other PCM widths and
the argument errors."""
import json
import os
import wave

import numpy as np
import pytest

from tests.fixtures.make_audio_reference import write_wavs
from tkeras.utils import audio_dataset_from_directory
from tkeras.utils.audio_dataset_utils import read_wav

with open(os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "audio_reference.json")) as f:
    REFERENCE = json.load(f)


@pytest.fixture
def folder(tmp_path):
    write_wavs(str(tmp_path))
    return str(tmp_path)


def assert_batches_equal(dataset, expected):
    got = list(dataset)
    assert len(got) == len(expected)
    for (audio, labels), want in zip(got, expected):
        audio = np.asarray(audio)
        assert audio.dtype == np.float32
        np.testing.assert_array_equal(audio, np.asarray(want["audio"], dtype=np.float32))
        np.testing.assert_array_equal(np.asarray(labels), np.asarray(want["labels"]))


def test_padded_batches_match_tf_keras(folder):
    dataset = audio_dataset_from_directory(folder, batch_size=2, shuffle=False, verbose=False)
    assert dataset.class_names == REFERENCE["class_names"]
    assert_batches_equal(dataset, REFERENCE["padded_batch_2"])


def test_fixed_length_categorical_batches_match_tf_keras(folder):
    dataset = audio_dataset_from_directory(folder, batch_size=3, shuffle=False, output_sequence_length=30,
                                           label_mode="categorical", verbose=False)
    assert_batches_equal(dataset, REFERENCE["length_30_categorical_batch_3"])


def test_unbatched_unlabelled_and_validation_split(folder):
    clips = list(audio_dataset_from_directory(folder, labels=None, batch_size=None, shuffle=False, verbose=False))
    assert [np.asarray(c).shape for c in clips] == [(40, 1), (25, 1), (33, 1), (18, 1), (47, 1)]
    train, val = audio_dataset_from_directory(folder, batch_size=8, validation_split=0.4, subset="both", seed=1,
                                              verbose=False)
    sizes = [sum(np.asarray(a).shape[0] for a, _ in part) for part in (train, val)]
    assert sizes == [3, 2]


def write(path, samples, width, rate=8000, channels=1):
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(channels)
        handle.setsampwidth(width)
        handle.setframerate(rate)
        handle.writeframes(samples)


def test_other_pcm_widths_scale_to_minus_one_one(tmp_path):
    write(tmp_path / "u8.wav", bytes([0, 128, 255]), 1)
    np.testing.assert_allclose(read_wav(tmp_path / "u8.wav")[0][:, 0], [-1.0, 0.0, 127 / 128])
    # 24-bit little-endian: -2**23, 1, 2**23 - 1
    write(tmp_path / "s24.wav", bytes([0, 0, 0x80, 1, 0, 0, 0xff, 0xff, 0x7f]), 3)
    np.testing.assert_allclose(read_wav(tmp_path / "s24.wav")[0][:, 0], [-1.0, 2 ** -23, 1 - 2 ** -23])
    stereo = np.array([[1000, -1000], [32767, -32768]], dtype="<i2")
    write(tmp_path / "st.wav", stereo.tobytes(), 2, channels=2)
    samples, rate = read_wav(tmp_path / "st.wav")
    assert rate == 8000 and samples.shape == (2, 2)
    np.testing.assert_allclose(samples, stereo / 32768.0)


def test_argument_errors(folder):
    with pytest.raises(ValueError, match="Cannot set both `ragged` and `output_sequence_length`"):
        audio_dataset_from_directory(folder, ragged=True, output_sequence_length=10)
    with pytest.raises(ValueError, match="ragged=True.*no ragged tensors"):
        audio_dataset_from_directory(folder, ragged=True)
    with pytest.raises(ValueError, match="`sampling_rate` should be higher than 0"):
        audio_dataset_from_directory(folder, sampling_rate=0)
    dataset = audio_dataset_from_directory(folder, sampling_rate=22050, shuffle=False, verbose=False)
    with pytest.raises(ValueError, match="sampled at 16000 Hz, not sampling_rate=22050; tkeras does not resample"):
        list(dataset)
    assert len(list(audio_dataset_from_directory(folder, sampling_rate=16000, verbose=False))) == 1
