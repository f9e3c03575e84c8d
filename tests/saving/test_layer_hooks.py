"""Keras 3's per-layer saving hooks in `.keras` files: save/load_own_variables with super(),
save/load_assets folders, build() marking a layer built, and a model's own compile config."""
import os
import zipfile

import numpy as np
import pytest

import tkeras as keras
from tkeras.saving import CorruptFileError, load_model


class Tally(keras.layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.tally = np.array(0.0)

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["tally"] = np.asarray(self.tally)

    def load_own_variables(self, store):
        self.tally = np.asarray(store["tally"])
        super().load_own_variables({key: store[key] for key in store.keys() if key != "tally"})


class Notes(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.notes = {}

    def save_assets(self, dir_path):
        os.makedirs(os.path.join(dir_path, "sub"), exist_ok=True)
        for name, text in self.notes.items():
            with open(os.path.join(dir_path, "sub", name), "w") as handle:
                handle.write(text)

    def load_assets(self, dir_path):
        folder = os.path.join(dir_path, "sub")
        self.notes = {name: open(os.path.join(folder, name)).read() for name in sorted(os.listdir(folder))}


def test_base_own_variable_hooks_write_keras_keys_and_check_what_they_read():
    dense = keras.layers.Dense(2)
    dense.build((None, 3))
    store = {}
    dense.save_own_variables(store)
    assert sorted(store) == ["0", "1"] and store["0"].shape == (3, 2) and store["1"].shape == (2,)
    other = keras.layers.Dense(2)
    other.build((None, 3))
    other.load_own_variables(store)
    np.testing.assert_array_equal(other.kernel.numpy(), dense.kernel.numpy())
    with pytest.raises(ValueError, match=r"Layer 'dense.*expected 2 variables.*received the keys \['0'\]"):
        other.load_own_variables({"0": store["0"]})
    with pytest.raises(ValueError, match=r"has shape \(3, 2\), the store holds shape \(2, 3\)"):
        other.load_own_variables({"0": store["0"].T, "1": store["1"]})


def test_an_override_that_calls_super_keeps_extra_state_beside_the_weights(tmp_path):
    layer = Tally(2)
    model = keras.Sequential([keras.Input((3,)), layer])
    layer.tally = np.array(7.0)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        import h5py, io
        with h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r") as h5:
            assert sorted(h5["layers/tally/vars"].keys()) == ["0", "1", "tally"]
    loaded = load_model(tmp_path / "m.keras", custom_objects={"Tally": Tally})
    assert float(loaded.layers[0].tally) == 7.0
    np.testing.assert_array_equal(loaded.layers[0].kernel.numpy(), layer.kernel.numpy())


def test_assets_folders_round_trip_with_subfolders(tmp_path):
    notes = Notes()
    notes.notes = {"a.txt": "first", "b.txt": "second"}
    model = keras.Sequential([keras.Input((2,)), notes])
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert {"assets/layers/notes/sub/a.txt", "assets/layers/notes/sub/b.txt"} <= set(archive.namelist())
    loaded = load_model(tmp_path / "m.keras", custom_objects={"Notes": Notes})
    assert loaded.layers[0].notes == {"a.txt": "first", "b.txt": "second"}


def test_an_asset_member_escaping_its_folder_is_refused(tmp_path):
    notes = Notes()
    notes.notes = {"a.txt": "x"}
    keras.Sequential([keras.Input((2,)), notes]).save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as src, zipfile.ZipFile(tmp_path / "bad.keras", "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("assets/layers/notes/../../../../escaped.txt", b"planted")
    with pytest.raises(CorruptFileError, match="does not name a file inside its layer's folder"):
        load_model(tmp_path / "bad.keras", custom_objects={"Notes": Notes})
    assert not (tmp_path / "escaped.txt").exists()


def test_build_called_directly_marks_the_layer_built():
    class Lazy(keras.layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 2), name="kernel")

        def build_from_config(self, config):
            self.build((None, config["size"]))

    layer = Lazy()
    layer.build_from_config({"size": 4})
    assert layer.built
    layer(np.ones((1, 4), "float32"))
    assert len(layer.weights) == 1  # not built a second time by the call


def test_a_models_own_compile_config_is_written_and_used_on_load(tmp_path):
    @keras.saving.register_keras_serializable(package="hooks_test")
    class Remembers(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.out = keras.layers.Dense(1)

        def call(self, inputs):
            return self.out(inputs)

        def compile(self, rate=0.1, **kwargs):
            self.rate = rate
            super().compile(optimizer=keras.optimizers.SGD(rate), loss="mse")

        def get_compile_config(self):
            return {"rate": self.rate}

        def compile_from_config(self, config):
            self.compile(rate=config["rate"])

    model = Remembers()
    model.compile(rate=0.25)
    model.fit(np.ones((4, 2), "float32"), np.ones((4, 1), "float32"), verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.rate == 0.25 and float(loaded.optimizer.learning_rate) == pytest.approx(0.25)
    assert not hasattr(load_model(tmp_path / "m.keras", compile=False), "rate")
