"""`tf.audio`: 16-bit PCM WAV files <-> float32 (samples, channels) audio in [-1, 1), as the speech
examples read their clips (`tf.io.read_file` then `tf.audio.decode_wav`). Uses the standard library's
`wave` module; samples are scaled by 2**15 both ways, as TensorFlow does."""
import io
import wave

import numpy as np
import torch

from tkeras.compat.tf_namespace._unsupported import module_getattr
from tkeras.data.text_face import BytesScalar
from tkeras.ops.core import for_user, tensor

_SCALE = 32768.0


def _contents(value):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not isinstance(value, (bytes, np.bytes_)):
        raise TypeError(f"tf.audio.decode_wav: `contents` must be the bytes of a WAV file (tf.io.read_file), "
                        f"received {type(value).__name__}")
    return bytes(value)


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None):
    """(audio, sample_rate): audio float32 of shape (samples, channels); `desired_samples` cuts or pads
    with zeros, `desired_channels` keeps the first channels (a mono file is repeated)."""
    try:
        with wave.open(io.BytesIO(_contents(contents))) as reader:
            channels, width, rate = reader.getnchannels(), reader.getsampwidth(), reader.getframerate()
            frames = reader.readframes(reader.getnframes())
    except (wave.Error, EOFError) as error:
        raise ValueError(f"tf.audio.decode_wav: the contents are not a readable WAV file: {error}") from None
    if width != 2:
        raise ValueError(f"tf.audio.decode_wav: only 16-bit PCM is supported (as in TensorFlow), the file has "
                         f"{8 * width}-bit samples")
    audio = np.frombuffer(frames, dtype="<i2").reshape(-1, channels).astype(np.float32) / _SCALE
    if desired_channels is not None and int(desired_channels) > 0 and int(desired_channels) != channels:
        wanted = int(desired_channels)
        if wanted < channels:
            audio = audio[:, :wanted]
        elif channels == 1:
            audio = np.repeat(audio, wanted, axis=1)
        else:
            raise ValueError(f"tf.audio.decode_wav: cannot make {wanted} channels from a {channels}-channel file")
    if desired_samples is not None and int(desired_samples) >= 0:
        wanted = int(desired_samples)
        audio = audio[:wanted] if len(audio) >= wanted else np.pad(audio, ((0, wanted - len(audio)), (0, 0)))
    return for_user(torch.from_numpy(np.ascontiguousarray(audio))), for_user(torch.tensor(rate, dtype=torch.int32))


def encode_wav(audio, sample_rate, name=None):
    """WAV file bytes (16-bit PCM) of float audio of shape (samples, channels), clipped to [-1, 1)."""
    x = tensor(audio).detach().cpu().to(torch.float32)
    if x.dim() != 2:
        raise ValueError(f"tf.audio.encode_wav: `audio` must have shape (samples, channels), received "
                         f"{tuple(x.shape)}")
    samples = torch.clamp(torch.round(x * _SCALE), -32768, 32767).to(torch.int16).numpy().astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(x.shape[1])
        writer.setsampwidth(2)
        writer.setframerate(int(sample_rate))
        writer.writeframes(samples.tobytes())
    return BytesScalar(buffer.getvalue())  # (silent samples end in NUL bytes, which NumPy bytes drop)


__getattr__ = module_getattr("tf.audio")
