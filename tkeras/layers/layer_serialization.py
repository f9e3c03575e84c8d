"""`keras.layers.serialize` / `deserialize`: a layer <-> its Keras config, one layer at a time.

Both are the generic `saving` functions with the layers namespace preferred, so `Identity` in a
config read here is the layer even when the config names no module (Keras 2's `class_name`/`config`
form), while `{"module": "keras.initializers", ...}` still means the initializer.
"""


def serialize(layer, use_legacy_format=False):
    """The Keras 3 config dict of `layer` (`module`, `class_name`, `config`, `registered_name`, and
    `build_config` once it is built); tf-keras' `use_legacy_format=True` gives Keras 2's
    `{"class_name", "config"}`."""
    from tkeras.layers.layer import Layer
    from tkeras.saving.serialization import serialize_keras_object
    if not isinstance(layer, Layer):
        raise TypeError(f"layers.serialize: expected a Layer, received {layer!r} (of type {type(layer).__name__})")
    config = serialize_keras_object(layer)
    if use_legacy_format:
        return {"class_name": config["registered_name"] or config["class_name"], "config": config["config"]}
    return config


def deserialize(config, custom_objects=None, use_legacy_format=False):
    """A layer (or model) from its Keras 3, Keras 2 or tf-keras config dict (either format is read,
    whatever `use_legacy_format` says)."""
    from tkeras.saving import object_lookup
    from tkeras.saving.serialization import deserialize_keras_object
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise TypeError(f"layers.deserialize: expected a config dict with 'class_name' and 'config', received "
                        f"{str(config)[:200]}")
    module_objects = {**object_lookup.classes_of("models"), **object_lookup.classes_of("layers")}
    return deserialize_keras_object(config, custom_objects=custom_objects, module_objects=module_objects,
                                    prefer="layers")
