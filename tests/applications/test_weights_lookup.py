"""Where application weights are looked up, how their hashes are checked, and what offline users are told."""
import hashlib
import os

import numpy as np
import pytest

from tkeras.applications import weights


@pytest.fixture
def homes(tmp_path, monkeypatch):
    """Isolated $HOME (so ~/.tkeras and ~/.keras are temp folders) and a $TKERAS_MODELS folder."""
    home, env_folder = tmp_path / "home", tmp_path / "models_env"
    home.mkdir()
    env_folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv(weights.MODELS_ENV, str(env_folder))
    return {"env": env_folder, "tkeras": home / ".tkeras" / "models", "keras": home / ".keras" / "models"}


def _offline(monkeypatch):
    import urllib.error
    import urllib.request

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network is unreachable")
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def _place(folder, name, payload):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(payload)
    return str(folder / name)


def test_search_order_is_env_then_tkeras_then_keras(homes, monkeypatch):
    _offline(monkeypatch)
    keras_copy = _place(homes["keras"], "w.h5", b"keras")
    assert weights.get_weights_path("w.h5", "https://example.invalid/w.h5") == keras_copy
    tkeras_copy = _place(homes["tkeras"], "w.h5", b"tkeras")
    assert weights.get_weights_path("w.h5", "https://example.invalid/w.h5") == tkeras_copy
    env_copy = _place(homes["env"], "w.h5", b"env")
    assert weights.get_weights_path("w.h5", "https://example.invalid/w.h5") == env_copy


@pytest.mark.parametrize("algorithm", ["md5", "sha256"])
def test_hash_is_checked_md5_for_32_digits_sha256_for_64(homes, monkeypatch, algorithm):
    _offline(monkeypatch)
    payload = b"fake weights"
    good = getattr(hashlib, algorithm)(payload).hexdigest()
    assert len(good) == (32 if algorithm == "md5" else 64)
    bad_copy = _place(homes["env"], "w.h5", b"truncated")
    good_copy = _place(homes["keras"], "w.h5", payload)
    with pytest.warns(UserWarning, match=f"its {algorithm} is .* expected {good}"):
        found = weights.get_weights_path("w.h5", "https://example.invalid/w.h5", file_hash=good)
    assert found == good_copy and found != bad_copy


def test_offline_without_a_copy_names_file_url_and_folders(homes, monkeypatch):
    _offline(monkeypatch)
    with pytest.raises(weights.WeightsFileNotFoundError) as info:
        weights.get_weights_path("resnet50_weights.h5", "https://example.invalid/x/resnet50_weights.h5",
                                 file_hash="0" * 32)
    message = str(info.value)
    assert "'resnet50_weights.h5'" in message and "https://example.invalid/x/resnet50_weights.h5" in message
    for folder in homes.values():
        assert str(folder) in message
    assert "$TKERAS_MODELS" in message


def test_only_a_bad_copy_offline_says_it_was_ignored(homes, monkeypatch):
    _offline(monkeypatch)
    bad_copy = _place(homes["tkeras"], "w.h5", b"truncated")
    with pytest.warns(UserWarning), pytest.raises(weights.WeightsFileNotFoundError, match="wrong hash"):
        weights.get_weights_path("w.h5", "https://example.invalid/w.h5", file_hash="1" * 64)
    assert os.path.exists(bad_copy)


def test_download_lands_in_tkeras_models_after_its_hash_is_checked(homes, monkeypatch, tmp_path):
    payload = b"downloaded weights"
    source = tmp_path / "served.h5"
    source.write_bytes(payload)
    origin = source.as_uri()  # urllib serves file:// URLs: the real download code, no network
    found = weights.get_weights_path("w.h5", origin, file_hash=hashlib.md5(payload).hexdigest())
    assert found == str(homes["tkeras"] / "w.h5") and open(found, "rb").read() == payload
    with pytest.raises(weights.WeightsFileNotFoundError, match="md5"):
        weights.get_weights_path("v.h5", origin, file_hash="2" * 32)
    assert not (homes["tkeras"] / "v.h5").exists()


def test_weights_argument_is_checked_as_keras_does(tmp_path):
    weights.check_weights_argument(None)
    weights.check_weights_argument("imagenet")
    path = tmp_path / "mine.h5"
    path.write_bytes(b"")
    weights.check_weights_argument(str(path))
    with pytest.raises(ValueError, match=r"`weights` argument should be either .* Received: weights=imagenet21k"):
        weights.check_weights_argument("imagenet21k")


def test_load_application_weights_none_keeps_values_and_imagenet_uses_the_cache(homes, monkeypatch):
    import tkeras
    from tkeras import layers
    _offline(monkeypatch)
    inputs = tkeras.Input((3,))
    model = tkeras.Model(inputs, layers.Dense(2, name="fc")(inputs), name="tiny")
    before = [w.copy() for w in model.get_weights()]
    assert weights.load_application_weights(model, None, fname="x", origin="y", file_hash=None) is model
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))

    source = tkeras.Model(inputs, layers.Dense(2, name="fc")(inputs), name="tiny")
    source.set_weights([np.full((3, 2), 0.5, "float32"), np.arange(2, dtype="float32")])
    homes["env"].mkdir(exist_ok=True)
    source.save_weights(str(homes["env"] / "tiny.h5"))
    weights.load_application_weights(model, "imagenet", fname="tiny.h5", origin="https://example.invalid/tiny.h5",
                                     file_hash=None)
    np.testing.assert_array_equal(model.get_weights()[0], np.full((3, 2), 0.5))

    other = tkeras.Model(inputs, layers.Dense(2, name="head")(inputs), name="tiny")
    with pytest.raises(ValueError, match=r"holds no weights for 1 of the model's layers \('head'\)"):
        weights.load_application_weights(other, str(homes["env"] / "tiny.h5"), fname="x", origin="y", file_hash=None)


def test_a_whole_model_h5_and_a_keras3_weights_file_load_too(tmp_path):
    import tkeras
    from tkeras import layers
    inputs = tkeras.Input((3,))
    source = tkeras.Model(inputs, layers.Dense(2, name="fc")(inputs), name="tiny")
    source.save(str(tmp_path / "whole.h5"))  # Keras 2 model file: weights under model_weights/
    source.save_weights(str(tmp_path / "tiny.weights.h5"))  # Keras 3 layout: matched by structure
    for path in ("whole.h5", "tiny.weights.h5"):
        target = tkeras.Model(inputs, layers.Dense(2, name="fc")(inputs), name="tiny")
        weights.load_application_weights(target, str(tmp_path / path), fname=None, origin=None, file_hash=None)
        np.testing.assert_array_equal(target.get_weights()[0], source.get_weights()[0])
