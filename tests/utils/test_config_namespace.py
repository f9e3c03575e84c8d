"""`keras.config`: the interactive-logging switch (the progress bar and `Epoch i/n` lines go to the
"tkeras" logger instead of stdout), the max_epochs / max_steps_per_epoch caps, and the switches that
only record a choice; every name Keras 3.15.1 puts in keras.config is present."""
import json
import logging
import os

import numpy as np
import pytest

import tkeras as keras
from tkeras import config
from tkeras.utils.progbar import Progbar

NAMES = os.path.join(os.path.dirname(__file__), os.pardir, "fixtures", "keras_names", "keras3.json")


@pytest.fixture
def restore_config():
    yield
    config.enable_interactive_logging()
    config.set_max_epochs(None)
    config.set_max_steps_per_epoch(None)


def tiny_model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    return model


def test_every_keras3_config_name_is_there():
    with open(NAMES) as f:
        names = json.load(f)["namespaces"]["keras.config"]
    names = names if isinstance(names, list) else list(names)
    assert len(names) == 25
    assert [n for n in names if not hasattr(keras.config, n)] == []
    assert keras.config is config and keras.config.backend() == "torch"


def test_disabled_interactive_logging_sends_fit_output_to_the_logger(restore_config, capsys, caplog):
    model = tiny_model()
    config.disable_interactive_logging()
    assert keras.utils.is_interactive_logging_enabled() is False
    with caplog.at_level(logging.INFO, logger="tkeras"):
        model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, epochs=2, verbose=1)
    assert capsys.readouterr().out == ""
    messages = [r.getMessage() for r in caplog.records if r.name == "tkeras"]
    assert messages[0] == "Epoch 1/2" and messages[2] == "Epoch 2/2"
    assert messages[1].startswith("2/2 [==============================]") and "loss:" in messages[1]
    assert len(messages) == 4  # one final bar line per epoch, no redraws
    config.enable_interactive_logging()
    model.fit(np.ones((8, 3)), np.ones((8, 1)), batch_size=4, epochs=1, verbose=2)
    assert capsys.readouterr().out.startswith("2/2 - ")  # one epoch: no "Epoch 1/1" header


def test_progbar_verbose_2_line_goes_to_the_logger(restore_config, capsys, caplog):
    config.disable_interactive_logging()
    with caplog.at_level(logging.INFO, logger="tkeras"):
        bar = Progbar(target=2, verbose=2)
        bar.update(2, {"loss": 0.5}, finalize=True)
    assert capsys.readouterr().out == ""
    assert caplog.records[-1].getMessage().startswith("2/2 - ") and "loss: 0.5000" in caplog.records[-1].getMessage()


def test_max_epochs_and_steps_cap_fit_evaluate_predict(restore_config):
    model = tiny_model()
    config.set_max_epochs(2)
    config.set_max_steps_per_epoch(3)
    seen = []
    probe = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: seen.append(batch))
    with pytest.warns(UserWarning, match="Limiting epochs to 2"):
        history = model.fit(np.ones((100, 3)), np.ones((100, 1)), batch_size=10, epochs=5, verbose=0,
                            callbacks=[probe])
    assert len(history.history["loss"]) == 2 and seen == [0, 1, 2] * 2
    with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
        assert model.predict(np.ones((100, 3)), batch_size=10, verbose=0).shape == (30, 1)
    with pytest.raises(ValueError, match="set_max_epochs: expected a positive int or None, received 0"):
        config.set_max_epochs(0)
    config.set_max_epochs(None)
    config.set_max_steps_per_epoch(None)
    assert len(model.fit(np.ones((20, 3)), np.ones((20, 1)), epochs=3, verbose=0).history["loss"]) == 3


def test_switches_and_backend(restore_config):
    assert config.is_flash_attention_enabled() is None
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is True
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    config.disable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is False
    config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() is True
    assert config.is_nnx_enabled() is False
    config.set_backend("torch")
    with pytest.raises(ValueError, match="PyTorch only; received backend='jax'"):
        config.set_backend("jax")
    assert config.dtype_policy().name == "float32"
    config.set_dtype_policy("mixed_bfloat16")
    try:
        assert config.dtype_policy().name == "mixed_bfloat16"
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
    finally:
        config.set_dtype_policy("float32")
