"""Saving, serializing and exporting models, in the idiom of Keras 3's guide (own code, synthetic data).

Whole-model files, registered custom objects found at load time, custom_objects/custom_object_scope,
config round trips (get_config/from_config, to_json, clone_model), weights-only saving between a
functional and a subclassed model, and the per-object serialize/deserialize functions.
"""
import numpy as np
import keras

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)
x = rng.random((64, 32)).astype("float32")
y = rng.random((64, 1)).astype("float32")


@keras.saving.register_keras_serializable(package="guide", name="shifted_relu")
def shifted_relu(t):
    return keras.ops.relu(t - 0.1)


@keras.saving.register_keras_serializable(package="guide")
class ScaledDense(keras.layers.Layer):
    def __init__(self, units, scale=1.0, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform",
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, inputs):
        return self.activation(self.scale * keras.ops.matmul(inputs, self.kernel) + self.bias)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale,
                       "activation": keras.saving.serialize_keras_object(self.activation)})
        return config

    @classmethod
    def from_config(cls, config):
        config["activation"] = keras.saving.deserialize_keras_object(config["activation"])
        return cls(**config)


def get_model():
    inputs = keras.Input((32,))
    h = ScaledDense(16, scale=0.5, activation=shifted_relu, name="scaled")(inputs)
    outputs = keras.layers.Dense(1)(h)
    model = keras.Model(inputs, outputs, name="regressor")
    model.compile(optimizer="adam", loss="mean_squared_error", metrics=["mae"])
    return model


# --- The whole model in one .keras file -----------------------------------------------------------
model = get_model()
model.fit(x, y, batch_size=16, epochs=1, verbose=0)
model.save("my_model.keras")
reconstructed = keras.models.load_model("my_model.keras")  # registered objects need no custom_objects
same = np.allclose(model.predict(x, verbose=0), reconstructed.predict(x, verbose=0), atol=1e-6)
print("reloaded predictions match:", same)
print("reloaded activation:", reconstructed.get_layer("scaled").activation.__name__)
print("optimizer state restored:", int(reconstructed.optimizer.iterations.numpy()) == 4)
reconstructed.fit(x, y, batch_size=16, epochs=1, verbose=0)  # training resumes where it stopped
print("resumed iterations:", int(reconstructed.optimizer.iterations.numpy()))


# --- Unregistered objects: custom_objects= or a custom_object_scope ------------------------------------
class Doubler(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def plain_gelu(t):
    return keras.ops.gelu(t)


inputs = keras.Input((4,))
unregistered = keras.Model(inputs, Doubler()(keras.layers.Dense(3, activation=plain_gelu)(inputs)))
unregistered.save("unregistered.keras")
try:
    keras.models.load_model("unregistered.keras")
    print("unregistered load: loaded")
except Exception as error:  # noqa: BLE001 - the guide shows the failure
    print("unregistered load fails:", type(error).__name__, "Doubler" in str(error) or "plain_gelu" in str(error))
loaded = keras.models.load_model("unregistered.keras",
                                 custom_objects={"Doubler": Doubler, "plain_gelu": plain_gelu})
probe = rng.random((2, 4)).astype("float32")
print("custom_objects load matches:", np.allclose(loaded(probe), unregistered(probe), atol=1e-6))
with keras.saving.custom_object_scope({"Doubler": Doubler, "plain_gelu": plain_gelu}):
    scoped = keras.models.load_model("unregistered.keras")
print("scope load matches:", np.allclose(scoped(probe), unregistered(probe), atol=1e-6))

# Lambda layers hold Python bytecode: refused unless the file is trusted.
lam_in = keras.Input((3,))
lam_model = keras.Model(lam_in, keras.layers.Lambda(lambda t: t * 3.0)(lam_in))
lam_model.save("lambda.keras")
try:
    keras.models.load_model("lambda.keras")
    print("lambda safe load: loaded")
except Exception as error:  # noqa: BLE001
    print("lambda safe load refused:", "safe_mode" in str(error))
trusted = keras.models.load_model("lambda.keras", safe_mode=False)
print("lambda trusted load:", keras.ops.convert_to_numpy(trusted(np.ones((1, 3), "float32"))).tolist())

# --- The architecture alone: configs, JSON, clones -------------------------------------------------------
config = model.get_config()
fresh = keras.Model.from_config(config)
print("from_config layers:", [layer.__class__.__name__ for layer in fresh.layers])
json_config = model.to_json()
from_json = keras.models.model_from_json(json_config)
print("from_json name:", from_json.name, "params:", from_json.count_params())
clone = keras.models.clone_model(model)
print("clone has fresh weights:", not np.allclose(clone.get_layer("scaled").kernel.numpy(),
                                                  model.get_layer("scaled").kernel.numpy()))
layer_config = keras.layers.serialize(keras.layers.Dense(5, activation="tanh", name="d5"))
print("serialized layer:", layer_config["class_name"], layer_config["module"], layer_config["config"]["units"])
print("deserialized layer:", type(keras.layers.deserialize(layer_config)).__name__)
fn_config = keras.saving.serialize_keras_object(shifted_relu)
print("serialized function:", fn_config["class_name"], fn_config["config"])
print("registered name:", keras.saving.get_registered_name(ScaledDense))
print("registered object:", keras.saving.get_registered_object("guide>ScaledDense").__name__)

# --- Weights only ------------------------------------------------------------------------------------------
model.save_weights("regressor.weights.h5")
twin = get_model()
twin.load_weights("regressor.weights.h5")
print("weights file restores:", np.allclose(twin.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6))
in_memory = get_model()
in_memory.set_weights(model.get_weights())
print("get/set_weights match:", np.allclose(in_memory.predict(x, verbose=0), model.predict(x, verbose=0),
                                            atol=1e-6))


class SubclassedRegressor(keras.Model):
    """The same layers as get_model(), created in the same order, so weights transfer by position."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scaled = ScaledDense(16, scale=0.5, activation=shifted_relu)
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.scaled(inputs))


subclassed = SubclassedRegressor()
subclassed(x[:1])
subclassed.set_weights(model.get_weights())
print("functional -> subclassed:", np.allclose(subclassed.predict(x, verbose=0), model.predict(x, verbose=0),
                                               atol=1e-6))
# A layer without weights changes nothing: a deeper model still takes the weights of the shallow one.
deeper_in = keras.Input((32,))
deeper_h = ScaledDense(16, scale=0.5, activation=shifted_relu)(deeper_in)
deeper = keras.Model(deeper_in, keras.layers.Dense(1)(keras.layers.Dropout(0.5)(deeper_h)))
deeper.load_weights("regressor.weights.h5")
print("stateless layer transfer:", np.allclose(deeper.predict(x, verbose=0), model.predict(x, verbose=0),
                                               atol=1e-6))
print("GUIDE OK")
