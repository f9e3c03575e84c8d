"""Vocabulary assets in `.keras` archives: what Keras 3 writes for an adapted StringLookup, IntegerLookup
or TextVectorization, read by tkeras, and written by tkeras so that Keras can read it.

The archives below are built in the layout Keras 3 (3.15.1) writes, as read from its source:

* `saving_lib.save_model` -> `_save_state` visits every object at the same inner path as its weights
  (`layers/<snake_case class name>[_n]`) and calls `save_assets(DiskIOStore("assets").make(inner_path))`;
  `DiskIOStore.close` -> `_write_to_zip_recursively` stores each file as the member
  `assets/<inner path>/<file name>` (files only, no directory entries).
* `IndexLookup.save_assets` writes nothing for a layer given a `vocabulary` (that one is in the config);
  otherwise `vocabulary.txt` holds `"\\n".join(str(t) for t in get_vocabulary())`, special tokens first,
  no final newline. `IndexLookup.load_assets` splits it with `splitlines()`.
* `IndexLookup.get_config`: `vocabulary` is the constructor's (None after `adapt`), `vocabulary_size` the
  adapted size with the special tokens. `IndexLookup.save_own_variables` keeps tf_idf weights as the
  dataset `<inner path>/vars/idf_weights`, special slots first.
* `TextVectorization.save_assets` / `save_own_variables` delegate to its `_lookup_layer` (a StringLookup
  with mask token ''), which `_save_state` visits too, at `<inner path>/_lookup_layer`: the same files
  twice.

`k3_lookup.keras` (when present, written by tests/fixtures/make_assets_golden.py with real Keras) checks
all of this against Keras itself.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import tkeras as keras
from tkeras.saving.errors import CorruptFileError

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "fixtures")
LOOKUPS = ("StringLookup", "IntegerLookup", "TextVectorization")

CITIES = ["seoul", "busan", "daegu", "incheon"]
CODES = [12, 36, 1138, 42]
WORDS = ["the", "cat", "sat", "on", "mat"]


# -- building archives in Keras' layout ---------------------------------------------------------------
def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_members(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _layer_configs(node):
    if isinstance(node, dict):
        if node.get("class_name") in LOOKUPS and isinstance(node.get("config"), dict):
            yield node["config"]
        for value in node.values():
            yield from _layer_configs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _layer_configs(value)


def _as_keras_writes_it(model, path, states):
    """Save `model` with tkeras, then rewrite the archive as Keras 3 writes adapted layers.

    `states`: {layer name: (object path, vocabulary.txt lines with the special tokens, idf weights or
    None)}. The layers' configs lose `vocabulary`/`idf_weights` and gain `vocabulary_size`; every
    `assets/` member tkeras wrote is replaced by the Keras-style ones given here; tf_idf weights go to
    `<path>/vars/idf_weights`. TextVectorization's state is written a second time below `_lookup_layer`.
    """
    model.save(path)
    members = {n: d for n, d in _members(path).items() if not n.startswith("assets/")}
    config = json.loads(members["config.json"])
    classes = {}
    for layer_config in _layer_configs(config):
        if layer_config["name"] in states:
            layer_config["vocabulary"] = None
            layer_config["idf_weights"] = None
            layer_config["vocabulary_size"] = len(states[layer_config["name"]][1])
    for node in _class_nodes(config):
        classes[node["config"]["name"]] = node["class_name"]
    members["config.json"] = json.dumps(config).encode()
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "r+") as h5:
        for name, (object_path, lines, idf) in states.items():
            paths = [object_path] + ([f"{object_path}/_lookup_layer"] if classes[name] == "TextVectorization" else [])
            for where in paths:
                members[f"assets/{where}/vocabulary.txt"] = "\n".join(lines).encode("utf-8")
                group = h5.require_group(f"{where}/vars")
                if "idf_weights" in group:
                    del group["idf_weights"]
                if idf is not None:
                    group.create_dataset("idf_weights", data=np.asarray(idf, dtype="float32"))
    members["model.weights.h5"] = buffer.getvalue()
    _write_members(path, members)
    return path


def _class_nodes(node):
    if isinstance(node, dict):
        if node.get("class_name") in LOOKUPS:
            yield node
        for value in node.values():
            yield from _class_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _class_nodes(value)


def _string_model(layer):
    inputs = keras.Input(shape=(1,), dtype="string")
    return keras.Model(inputs, layer(inputs))


# -- Keras-layout archives load with their vocabulary ---------------------------------------------------
def test_string_lookup_int_with_mask_reads_its_vocabulary_asset(tmp_path):
    model = _string_model(keras.layers.StringLookup(vocabulary=CITIES, mask_token="", name="city"))
    lines = ["", "[UNK]"] + CITIES  # the file starts with an empty line: the mask token ''
    path = _as_keras_writes_it(model, tmp_path / "k.keras", {"city": ("layers/string_lookup", lines, None)})
    assert _members(path)["assets/layers/string_lookup/vocabulary.txt"].startswith(b"\n[UNK]\nseoul")
    loaded = keras.models.load_model(path)
    layer = loaded.get_layer("city")
    assert layer.get_vocabulary() == lines
    x = np.array([["busan"], ["jeju"], [""], ["incheon"]])
    index = {token: i for i, token in enumerate(lines)}
    expected = np.array([[index.get(v, 1)] for v in x[:, 0]])
    np.testing.assert_array_equal(np.asarray(loaded.predict(x, verbose=0)), expected)


def test_one_hot_lookup_feeding_a_dense_layer_gets_its_width_from_the_config(tmp_path):
    # Until the asset is read the layer has no tokens: the Dense layer's input width must come from the
    # config's `vocabulary_size`, as in Keras, or its kernel would not fit the weights file.
    inputs = keras.Input(shape=(1,), dtype="string")
    encoded = keras.layers.StringLookup(vocabulary=CITIES, output_mode="one_hot", name="city")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2, name="score")(encoded))
    rng = np.random.default_rng(0)
    kernel, bias = rng.standard_normal((5, 2)).astype("float32"), rng.standard_normal(2).astype("float32")
    model.get_layer("score").set_weights([kernel, bias])
    lines = ["[UNK]"] + CITIES
    path = _as_keras_writes_it(model, tmp_path / "k.keras", {"city": ("layers/string_lookup", lines, None)})
    loaded = keras.models.load_model(path)
    x = np.array([["daegu"], ["seoul"], ["nowhere"]])
    one_hot = np.eye(5)[[lines.index(v) if v in lines else 0 for v in x[:, 0]]]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), one_hot @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_integer_lookup_reads_integer_lines(tmp_path):
    inputs = keras.Input(shape=(3,), dtype="int64")
    model = keras.Model(inputs, keras.layers.IntegerLookup(vocabulary=CODES, mask_token=0, name="code")(inputs))
    lines = ["0", "-1"] + [str(c) for c in CODES]
    path = _as_keras_writes_it(model, tmp_path / "k.keras", {"code": ("layers/integer_lookup", lines, None)})
    loaded = keras.models.load_model(path)
    assert loaded.get_layer("code").get_vocabulary() == [0, -1] + CODES
    x = np.array([[12, 0, 7], [42, 1138, 36]])
    index = {c: i + 2 for i, c in enumerate(CODES)}
    expected = np.vectorize(lambda v: 0 if v == 0 else index.get(v, 1))(x)
    np.testing.assert_array_equal(np.asarray(loaded.predict(x, verbose=0)), expected)


def test_tf_idf_lookup_takes_its_idf_weights_from_the_weights_file(tmp_path):
    layer = keras.layers.StringLookup(vocabulary=CITIES, idf_weights=[1.0] * 4, output_mode="tf_idf", name="city")
    inputs = keras.Input(shape=(3,), dtype="string")
    model = keras.Model(inputs, layer(inputs))
    lines = ["[UNK]"] + CITIES
    idf = np.array([0.7, 0.5, 1.25, 2.0, 3.5])  # the OOV slot's weight first, as Keras saves it
    path = _as_keras_writes_it(model, tmp_path / "k.keras", {"city": ("layers/string_lookup", lines, idf)})
    loaded = keras.models.load_model(path)
    x = np.array([["seoul", "seoul", "jeju"], ["incheon", "busan", "daegu"]])
    counts = np.zeros((2, 5))
    for row, values in enumerate(x):
        for v in values:
            counts[row, lines.index(v) if v in lines else 0] += 1
    np.testing.assert_allclose(loaded.predict(x, verbose=0), counts * idf, rtol=1e-6)


def test_text_vectorization_reads_its_vocabulary_and_idf(tmp_path):
    for mode, lines, idf in (("int", ["", "[UNK]"] + WORDS, None),
                             ("tf_idf", ["[UNK]"] + WORDS, np.array([0.9, 0.2, 1.1, 1.3, 1.7, 2.3]))):
        kwargs = {"idf_weights": [1.0] * 5} if mode == "tf_idf" else {"output_sequence_length": 6}
        layer = keras.layers.TextVectorization(vocabulary=WORDS, output_mode=mode, name="text", **kwargs)
        path = _as_keras_writes_it(_string_model(layer), tmp_path / f"{mode}.keras",
                                   {"text": ("layers/text_vectorization", lines, idf)})
        loaded = keras.models.load_model(path)
        assert loaded.get_layer("text").get_vocabulary() == lines
        x = np.array([["The cat sat!"], ["A dog sat on the mat, the end"]])
        tokens = [text.lower().replace("!", "").replace(",", "").split() for text in x[:, 0]]
        ids = [[lines.index(t) if t in lines else (1 if mode == "int" else 0) for t in row] for row in tokens]
        if mode == "int":
            expected = np.zeros((2, 6), dtype=np.int64)
            for row, values in enumerate(ids):
                expected[row, :len(values[:6])] = values[:6]
        else:
            expected = np.zeros((2, len(lines)))
            for row, values in enumerate(ids):
                for v in values:
                    expected[row, v] += 1
            expected *= idf
        np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), expected, rtol=1e-6)


def test_text_vectorization_falls_back_to_the_inner_lookup_layers_copy(tmp_path):
    layer = keras.layers.TextVectorization(vocabulary=WORDS, name="text")
    lines = ["", "[UNK]"] + WORDS
    path = _as_keras_writes_it(_string_model(layer), tmp_path / "k.keras",
                               {"text": ("layers/text_vectorization", lines, None)})
    members = _members(path)
    del members["assets/layers/text_vectorization/vocabulary.txt"]
    _write_members(path, members)
    assert keras.models.load_model(path).get_layer("text").get_vocabulary() == lines


# -- the missing-asset error and damaged assets ----------------------------------------------------------
def test_a_missing_vocabulary_asset_is_an_error_naming_the_layer(tmp_path):
    model = _string_model(keras.layers.StringLookup(vocabulary=CITIES, name="city"))
    path = _as_keras_writes_it(model, tmp_path / "k.keras",
                               {"city": ("layers/string_lookup", ["[UNK]"] + CITIES, None)})
    members = {n: d for n, d in _members(path).items() if not n.startswith("assets/")}
    _write_members(path, members)
    with pytest.raises(CorruptFileError, match=r"'city' \(StringLookup\).*assets/layers/string_lookup/vocabulary.txt"):
        keras.models.load_model(path)


def test_a_never_adapted_layer_needs_no_asset(tmp_path):
    model = _string_model(keras.layers.StringLookup(name="city"))
    model.save(tmp_path / "m.keras")
    members = {n: d for n, d in _members(tmp_path / "m.keras").items() if not n.startswith("assets/")}
    _write_members(tmp_path / "m.keras", members)
    assert keras.models.load_model(tmp_path / "m.keras").get_layer("city").get_vocabulary() == ["[UNK]"]


@pytest.mark.parametrize("lines, idf, match", [
    (["0", "-1", "12", "twelve"], None, "expected integers"),
    (["0", "-1", "12", "12"], None, "repeated tokens"),
    (["0", "-1", "12"], None, "vocabulary size of 6"),
])
def test_damaged_assets_are_errors_naming_the_layer(tmp_path, lines, idf, match):
    inputs = keras.Input(shape=(3,), dtype="int64")
    model = keras.Model(inputs, keras.layers.IntegerLookup(vocabulary=CODES, mask_token=0, name="code")(inputs))
    path = _as_keras_writes_it(model, tmp_path / "k.keras", {"code": ("layers/integer_lookup", lines, idf)})
    if len(lines) == 3:  # the config's size says 6 indices
        config = json.loads(_members(path)["config.json"])
        for layer_config in _layer_configs(config):
            layer_config["vocabulary_size"] = 6
        members = _members(path)
        members["config.json"] = json.dumps(config).encode()
        _write_members(path, members)
    with pytest.raises(CorruptFileError, match=rf"'code' \(IntegerLookup\).*{match}"):
        keras.models.load_model(path)


def test_tf_idf_without_its_weights_is_an_error(tmp_path):
    layer = keras.layers.StringLookup(vocabulary=CITIES, idf_weights=[1.0] * 4, output_mode="tf_idf", name="city")
    path = _as_keras_writes_it(_string_model(layer), tmp_path / "k.keras",
                               {"city": ("layers/string_lookup", ["[UNK]"] + CITIES, None)})
    with pytest.raises(CorruptFileError, match="'city'.*idf_weights"):
        keras.models.load_model(path)


def test_asset_member_names_cannot_escape_and_sizes_are_bounded(tmp_path, monkeypatch):
    model = _string_model(keras.layers.StringLookup(vocabulary=CITIES, name="city"))
    path = _as_keras_writes_it(model, tmp_path / "k.keras",
                               {"city": ("layers/string_lookup", ["[UNK]"] + CITIES, None)})
    members = _members(path)
    members["assets/../../escaped/vocabulary.txt"] = b"[UNK]\nevil"
    members["/abs/vocabulary.txt"] = b"[UNK]\nevil"
    _write_members(path, members)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        loaded = keras.models.load_model(path)
    finally:
        os.chdir(cwd)
    assert loaded.get_layer("city").get_vocabulary() == ["[UNK]"] + CITIES
    assert sorted(os.listdir(tmp_path)) == ["k.keras"]  # nothing extracted anywhere
    from tkeras.saving import keras_file
    monkeypatch.setattr(keras_file, "_MAX_ASSET_BYTES", 16)
    with pytest.raises(CorruptFileError, match="implausibly large"):
        keras.models.load_model(path)


# -- tkeras writes the assets the way Keras does ----------------------------------------------------------
def _adapted_models():
    city = keras.layers.StringLookup(mask_token="", name="city")
    city.adapt(np.array(["seoul", "busan", "seoul", "daegu", "seoul", "busan"]))
    code = keras.layers.IntegerLookup(output_mode="tf_idf", name="code")
    code.adapt(np.array([[12, 36, 12], [36, 42, 42], [12, 12, 7]]))
    text = keras.layers.TextVectorization(output_mode="tf_idf", max_tokens=8, pad_to_max_tokens=True, name="text")
    text.adapt(["The cat sat on the mat.", "The dog sat.", "A cat!"])
    strings = keras.Input(shape=(1,), dtype="string", name="strings")
    codes = keras.Input(shape=(3,), dtype="int64", name="codes")
    words = keras.Input(shape=(1,), dtype="string", name="words")
    return {"city": (keras.Model(strings, city(strings)), np.array([["seoul"], ["busan"], ["x"], [""]])),
            "code": (keras.Model(codes, code(codes)), np.array([[12, 7, 99], [42, 42, 36]])),
            "text": (keras.Model(words, text(words)), np.array([["the cat sat"], ["a new mat"]]))}


def test_tkeras_saves_keras_style_assets_and_loads_them_back(tmp_path):
    for name, (model, x) in _adapted_models().items():
        expected = np.asarray(model.predict(x, verbose=0))
        path = tmp_path / f"{name}.keras"
        model.save(path)
        members = _members(path)
        layer = model.get_layer(name)
        object_path = {"city": "layers/string_lookup", "code": "layers/integer_lookup",
                       "text": "layers/text_vectorization"}[name]
        vocabulary = "\n".join(str(t) for t in layer.get_vocabulary()).encode()
        assert members[f"assets/{object_path}/vocabulary.txt"] == vocabulary
        if name == "text":
            assert members[f"assets/{object_path}/_lookup_layer/vocabulary.txt"] == vocabulary
        if name != "city":  # tf_idf: Keras' `idf_weights` variable, special slot first, padded to max_tokens
            with h5py.File(io.BytesIO(members["model.weights.h5"])) as h5:
                idf = h5[f"{object_path}/vars/idf_weights"][()]
            assert idf.dtype == np.float32 and idf.shape == ((8,) if name == "text" else (layer.vocabulary_size(),))
        np.testing.assert_allclose(np.asarray(keras.models.load_model(path).predict(x, verbose=0)), expected,
                                   rtol=1e-6)
        # The assets alone carry the state: with the config's vocabulary removed (Keras' spelling of an
        # adapted layer) the file still loads to the same outputs.
        config = json.loads(members["config.json"])
        for layer_config in _layer_configs(config):
            layer_config["vocabulary_size"] = layer.vocabulary_size()
            layer_config["vocabulary"] = layer_config["idf_weights"] = None
        members["config.json"] = json.dumps(config).encode()
        _write_members(path, members)
        np.testing.assert_allclose(np.asarray(keras.models.load_model(path).predict(x, verbose=0)), expected,
                                   rtol=1e-6)


def test_layer_save_assets_and_load_assets_use_a_directory(tmp_path):
    source = keras.layers.IntegerLookup(mask_token=0)
    source.adapt(np.array([5, 5, 9, 3, 3, 3]))
    source.save_assets(str(tmp_path))
    assert (tmp_path / "vocabulary.txt").read_text() == "0\n-1\n3\n5\n9"
    target = keras.layers.IntegerLookup(mask_token=0)
    target.load_assets(str(tmp_path))
    assert target.get_vocabulary() == source.get_vocabulary()
    given = keras.layers.IntegerLookup(vocabulary=[1, 2], mask_token=0)
    given.load_assets(str(tmp_path))  # as in Keras: a layer given its vocabulary keeps it
    assert given.get_vocabulary() == [0, -1, 1, 2]


# -- against real Keras ------------------------------------------------------------------------------
GOLDEN = os.path.join(FIXTURES, "k3_lookup.keras")
GOLDEN_IO = os.path.join(FIXTURES, "lookup_io.json")


@pytest.mark.skipif(not os.path.exists(GOLDEN), reason="k3_lookup.keras not generated")
def test_a_keras_file_with_adapted_lookups_reproduces_keras_outputs():
    with open(GOLDEN_IO) as f:
        golden = json.load(f)
    with zipfile.ZipFile(GOLDEN) as archive:
        config = json.loads(archive.read("config.json"))
        names = set(archive.namelist())
    assert all(c.get("vocabulary") is None for c in _layer_configs(config))  # Keras kept them in the assets
    for member in golden["asset_members"]:
        assert member in names
    loaded = keras.models.load_model(GOLDEN)
    for name, vocabulary in golden["vocabularies"].items():
        assert loaded.get_layer(name).get_vocabulary() == vocabulary
    inputs = {key: np.array(value, dtype=golden["dtypes"][key]) for key, value in golden["x"].items()}
    outputs = loaded.predict(inputs, verbose=0)
    for got, want in zip(outputs, golden["y"]):
        np.testing.assert_allclose(np.asarray(got), np.array(want), rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(not os.path.exists(GOLDEN), reason="k3_lookup.keras not generated")
def test_tkeras_writes_the_assets_keras_wrote_for_the_same_model(tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_assets_golden", os.path.join(FIXTURES, "make_assets_golden.py"))
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    model, _ = script.build(keras)
    model.save(tmp_path / "tk.keras")
    ours, theirs = _members(tmp_path / "tk.keras"), _members(GOLDEN)
    assets = sorted(n for n in theirs if n.startswith("assets/"))
    assert sorted(n for n in ours if n.startswith("assets/")) == assets
    for name in assets:
        assert ours[name] == theirs[name], name
    with h5py.File(io.BytesIO(ours["model.weights.h5"])) as mine, \
            h5py.File(io.BytesIO(theirs["model.weights.h5"])) as k3:
        found = []
        k3.visititems(lambda name, obj: found.append(name) if name.endswith("idf_weights") else None)
        assert found
        for name in found:
            np.testing.assert_allclose(mine[name][()], k3[name][()], rtol=1e-6)
    # What real Keras made of tkeras' file when the fixture was generated (CI cannot run Keras).
    with open(GOLDEN_IO) as f:
        record = json.load(f)["real_keras_reads_tkeras"]
    assert set(record) == {"tkeras", "tkeras_assets_only"}
    for result in record.values():
        assert result["loaded"] and result["max_abs_diff"] < 1e-5
