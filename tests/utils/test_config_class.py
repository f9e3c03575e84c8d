"""keras.utils.Config: attribute access to settings, sorted iteration, freezing, JSON."""
import json

import pytest

from tkeras.utils import Config


def test_attribute_and_item_access():
    config = Config(learning_rate=0.1, layers=3)
    config.dropout = 0.5
    config["name"] = "run"
    assert config.learning_rate == 0.1 and config["layers"] == 3 and config.dropout == 0.5
    assert list(config) == ["dropout", "layers", "learning_rate", "name"] and len(config) == 4
    assert "dropout" in config and config.get("missing", 7) == 7
    assert json.loads(config.to_json()) == config.as_dict()
    assert repr(Config(a=1)) == "<Config {'a': 1}>"


def test_unknown_attribute_suggests_the_closest():
    config = Config(learning_rate=0.1)
    with pytest.raises(AttributeError, match="Unknown attribute: 'learning_rat'. Did you mean 'learning_rate'?"):
        config.learning_rat


def test_frozen_config_refuses_every_change():
    config = Config(a=1)
    config.freeze()
    assert config.frozen
    for change in (lambda: setattr(config, "a", 2), lambda: config.__setitem__("b", 1), lambda: config.pop("a"),
                   lambda: config.update(a=3), lambda: config.__delitem__("a")):
        with pytest.raises(ValueError, match="frozen"):
            change()
    assert config.as_dict() == {"a": 1}
    config.unfreeze()
    config.a = 2
    assert config.a == 2
