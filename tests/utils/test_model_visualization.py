"""plot_model / model_to_dot: the graph text, a pydot.Dot as Keras returns, and clear messages when
Graphviz or pydot is missing."""
import shutil
import sys
import types

import pytest

import tkeras as keras
from tkeras import layers
from tkeras.utils.model_visualization import dot_text, model_to_dot, plot_model


def _branching_model():
    a, b = keras.Input(shape=(3,), name="a"), keras.Input(shape=(2,), name="b")
    joined = layers.Concatenate(name="joined")([layers.Dense(4, name="da")(a), b])
    return keras.Model([a, b], layers.Dense(1, activation="sigmoid", name="out")(joined), name="net")


def test_dot_text_has_one_box_per_layer_and_one_arrow_per_connection():
    dot = dot_text(_branching_model(), show_shapes=True, show_layer_activations=True)
    assert dot.startswith('digraph "net" {')
    for label in ('"a (InputLayer)', '"da (Dense)\\nactivation: linear\\noutput: (None, 4)"', '"joined (Concatenate)',
                  '"out (Dense)\\nactivation: sigmoid\\noutput: (None, 1)"'):
        assert label in dot
    arrows = [line.strip() for line in dot.splitlines() if "->" in line]
    # a->da, da->joined, b->joined, joined->out (layers numbered in model.layers order, Keras': a, da, b,
    # joined, out)
    assert sorted(arrows) == sorted(["layer_0 -> layer_1;", "layer_1 -> layer_3;", "layer_2 -> layer_3;",
                                     "layer_3 -> layer_4;"])


def test_sequential_models_are_a_chain(tmp_path):
    model = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(2), layers.Dense(1)])
    path = tmp_path / "model.dot"
    plot_model(model, to_file=str(path))
    arrows = [line.strip() for line in path.read_text().splitlines() if "->" in line]
    assert arrows == ["layer_0 -> layer_1;"]


@pytest.mark.skipif(shutil.which("dot") is not None, reason="Graphviz is installed here")
def test_missing_graphviz_gives_an_install_hint(tmp_path):
    with pytest.raises(ImportError, match="install Graphviz.*to_file='model.dot'"):
        plot_model(_branching_model(), to_file=str(tmp_path / "model.png"))


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("name, magic", [("model.png", b"\x89PNG"), ("model.svg", b"<?xml")])
def test_draws_png_and_svg_with_graphviz(tmp_path, name, magic):
    path = tmp_path / name
    plot_model(_branching_model(), to_file=str(path), show_shapes=True)
    assert path.read_bytes().startswith(magic)


def test_model_to_dot_without_pydot_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pydot", None)  # import pydot now fails, as when it is not installed
    with pytest.raises(ImportError, match="You must install pydot \\(`pip install pydot`\\) for model_to_dot"):
        keras.utils.model_to_dot(_branching_model())


def test_model_to_dot_hands_the_graph_to_pydot(monkeypatch):
    received = []
    fake = types.ModuleType("pydot")
    fake.graph_from_dot_data = lambda text: received.append(text) or ["the Dot object"]
    monkeypatch.setitem(sys.modules, "pydot", fake)
    model = _branching_model()
    assert keras.utils.model_to_dot(model, show_shapes=True) == "the Dot object"
    assert received == [dot_text(model, show_shapes=True, dpi=200, splines="ortho")]
    assert 'splines="ortho"' in received[0]
