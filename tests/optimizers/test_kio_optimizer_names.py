"""Optimizer names as Keras 3.15.1 gives them: the class name in snake case, numbered like layers
(keras-io guides/writing_your_own_callbacks.py prints `rm_sprop_3/learning_rate`)."""
import tkeras as keras


def test_default_names_are_snake_case_and_numbered():
    keras.backend.clear_session()
    classes = ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl", "Lion"]
    names = [getattr(keras.optimizers, c)().name for c in classes]
    assert names == ["sgd", "rm_sprop", "adam", "adam_w", "adagrad", "adadelta", "adamax", "nadam", "ftrl", "lion"]
    second = keras.optimizers.RMSprop()
    assert second.name == "rm_sprop_1"
    assert second.learning_rate.path == "rm_sprop_1/learning_rate"
    assert second.get_config()["name"] == "rm_sprop_1"


def test_a_given_name_is_kept_and_a_subclass_is_named_after_itself():
    keras.backend.clear_session()

    class SlowSGD(keras.optimizers.SGD):
        pass

    assert keras.optimizers.Adam(name="mine").name == "mine"
    assert keras.optimizers.Adam(name="mine").name == "mine"  # given names are not numbered
    assert SlowSGD().name == "slow_sgd"
    restored = keras.optimizers.RMSprop.from_config(keras.optimizers.RMSprop().get_config())
    assert restored.name == "rm_sprop"  # a config's name comes back as it was
