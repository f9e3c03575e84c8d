"""tf-keras 2's `keras.backend.experimental`: the switch between TensorFlow's stateful random ops and
`tf.random.Generator` for layer randomness.

tkeras' random layers always draw from torch generators (seeded layers own one), which is what the
"generator" setting stood for, so the switch is recorded and reported but changes no draw.
"""
_STATE = {"enabled": False}


def is_tf_random_generator_enabled():
    """Whether the generator-based randomness is selected (tf-keras' default: False)."""
    return _STATE["enabled"]


def enable_tf_random_generator():
    _STATE["enabled"] = True


def disable_tf_random_generator():
    _STATE["enabled"] = False


__all__ = ["disable_tf_random_generator", "enable_tf_random_generator", "is_tf_random_generator_enabled"]
