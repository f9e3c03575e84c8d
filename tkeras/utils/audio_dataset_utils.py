"""`audio_dataset_from_directory`: `.wav` files in class subfolders as a Dataset of (audio, labels).

    train_ds = keras.utils.audio_dataset_from_directory(
        "speech_commands", batch_size=64, output_sequence_length=16000, validation_split=0.2,
        subset="training", seed=0)

WAV files are decoded with the standard library's `wave` module into float32 samples in [-1, 1) with
shape (samples, channels), as TensorFlow's `decode_wav` gives them (16-bit PCM is divided by 32768;
8-, 24- and 32-bit PCM are scaled the same way to their range). A batch is padded with zeros to its
longest file, or every file is cut/padded to `output_sequence_length`. Listing, shuffling, the
validation cut and label encoding are `dataset_utils`' (shared with the image and text builders).
"""
import wave

import numpy as np

from tkeras.utils import dataset_utils

ALLOWED_FORMATS = (".wav",)


def read_wav(path):
    """(samples, channels) float32 in [-1, 1) and the sampling rate of a PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as handle:
            channels, width, rate = handle.getnchannels(), handle.getsampwidth(), handle.getframerate()
            frames = handle.readframes(handle.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"audio_dataset_from_directory: {path} is not a PCM WAV file the standard library can "
                         f"read ({error})") from None
    if width == 1:  # 8-bit PCM is unsigned, centred on 128
        samples = (np.frombuffer(frames, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 3:  # 24-bit: widen each little-endian triple to int32
        raw = np.frombuffer(frames, dtype=np.uint8).reshape(-1, 3)
        wide = (raw[:, 0].astype(np.int32) | (raw[:, 1].astype(np.int32) << 8) | (raw[:, 2].astype(np.int32) << 16))
        samples = (np.where(wide >= 1 << 23, wide - (1 << 24), wide) / float(1 << 23)).astype(np.float32)
    elif width in (2, 4):
        kind = np.dtype("<i2") if width == 2 else np.dtype("<i4")
        samples = (np.frombuffer(frames, dtype=kind) / float(2 ** (8 * width - 1))).astype(np.float32)
    else:
        raise ValueError(f"audio_dataset_from_directory: {path} has {8 * width}-bit samples; expected 8, 16, 24 "
                         f"or 32-bit PCM")
    return samples.reshape(-1, channels), rate


def _fit_length(samples, length):
    if samples.shape[0] >= length:
        return samples[:length]
    return np.pad(samples, ((0, length - samples.shape[0]), (0, 0)))


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, batch_size=32,
                                 sampling_rate=None, output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None, follow_links=False, verbose=True):
    """A Dataset of `(audio, labels)` batches (just audio when `labels` or `label_mode` is None).

    `audio` is float32 of shape (batch, samples, channels). `sampling_rate`, when given, must be the
    rate of every file: Keras resamples other rates with tensorflow-io, which tkeras does not have.
    `subset='both'` returns `[training, validation]`; the result carries `class_names`.
    """
    dataset_utils.check_labels_arg(labels, class_names, "audio")
    dataset_utils.check_label_mode(label_mode)
    if ragged and output_sequence_length is not None:
        raise ValueError("Cannot set both `ragged` and `output_sequence_length`")
    if ragged:
        raise ValueError("audio_dataset_from_directory(ragged=True): tkeras has no ragged tensors; leave ragged=False "
                         "(each batch is zero-padded to its longest file) or set output_sequence_length")
    if output_sequence_length is not None and (isinstance(output_sequence_length, bool)
                                               or not isinstance(output_sequence_length, int)
                                               or output_sequence_length <= 0):
        raise ValueError(f"`output_sequence_length` must be a positive integer or None, received "
                         f"output_sequence_length={output_sequence_length!r}")
    if sampling_rate is not None:
        if isinstance(sampling_rate, bool) or not isinstance(sampling_rate, int):
            raise ValueError(f"`sampling_rate` should have an integer value. Received: sampling_rate={sampling_rate}")
        if sampling_rate <= 0:
            raise ValueError(f"`sampling_rate` should be higher than 0. Received: sampling_rate={sampling_rate}")
    dataset_utils.check_validation_split_arg(validation_split, subset, shuffle, seed)

    def read_files(paths):
        clips = []
        for path in paths:
            samples, rate = read_wav(path)
            if sampling_rate is not None and rate != sampling_rate:
                raise ValueError(f"audio_dataset_from_directory: {path} is sampled at {rate} Hz, not "
                                 f"sampling_rate={sampling_rate}; tkeras does not resample (Keras needs "
                                 f"tensorflow-io for that): convert the files or drop sampling_rate")
            clips.append(samples)
        length = output_sequence_length or max(c.shape[0] for c in clips)
        channels = {c.shape[1] for c in clips}
        if len(channels) > 1:
            raise ValueError(f"audio_dataset_from_directory: files of one batch have different channel counts "
                             f"{sorted(channels)}: {list(paths)}")
        return np.stack([_fit_length(c, length) for c in clips]).astype(np.float32)

    return dataset_utils.directory_dataset(directory, read_files, "audio files", ALLOWED_FORMATS, labels, label_mode,
                                           class_names, batch_size, shuffle, seed, validation_split, subset,
                                           follow_links, verbose)
