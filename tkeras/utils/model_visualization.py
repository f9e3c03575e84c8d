"""`plot_model` / `model_to_dot`: a model's layer graph as a Graphviz picture.

The graph description (DOT text, `dot_text`) is written by tkeras itself, so `to_file="model.dot"`
works with nothing installed; drawing a PNG/SVG/PDF needs Graphviz's `dot` program. Without it,
plot_model says what to install instead of failing deep inside a library. `model_to_dot` returns
what Keras returns, a `pydot.Dot`, so it needs pydot, and says so (as Keras does) when it is missing.
"""
import os
import shutil
import subprocess

_INSTALL_HINT = ("plot_model needs Graphviz's `dot` program to draw {fmt} files: install Graphviz "
                 "(e.g. `apt install graphviz`, `brew install graphviz` or `conda install graphviz`), or pass "
                 "to_file='model.dot' to write the graph description without it.")


def _quote(text):
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape_text(shape):
    from tkeras.utils.summary_utils import _format_shape
    return _format_shape(shape)


def _layer_label(model, layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
                 show_trainable):
    title = f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__
    lines = [title]
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        activation = getattr(layer.activation, "__name__", str(layer.activation))
        lines.append(f"activation: {activation}")
    if show_shapes:
        lines.append(f"output: {_shape_text(_output_shape(model, layer))}")
    if show_dtype:
        lines.append(f"dtype: {layer.dtype}")
    if show_trainable:
        lines.append(f"trainable: {bool(layer.trainable)}")
    return "\n".join(lines)


def _output_shape(model, layer):
    if hasattr(model, "layer_output_shape"):
        return model.layer_output_shape(layer)
    try:
        return layer.output_shape
    except (AttributeError, NotImplementedError, ValueError, RuntimeError):
        return None


def _edges(model):
    """(from layer, to layer) pairs: the functional graph's connections, or a Sequential's chain."""
    if hasattr(model, "_node_ids"):
        pairs = []
        for layer in model.operations:
            for node in layer._inbound_nodes:
                if id(node) not in model._node_ids:
                    continue
                for tensor in node.input_tensors:
                    pair = (tensor._keras_history[0], layer)
                    if all(pair[0] is not a or pair[1] is not b for a, b in pairs):
                        pairs.append(pair)
        return pairs
    chain = list(model.operations)
    return list(zip(chain, chain[1:]))


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False,
                 splines="ortho", **kwargs):
    """The model's graph as a `pydot.Dot` (Keras' return type); needs pydot (`pip install pydot`)."""
    try:
        import pydot
    except ImportError:
        raise ImportError("You must install pydot (`pip install pydot`) for model_to_dot to work. (Without it, "
                          "tkeras.utils.model_visualization.dot_text(model) gives the same graph as DOT text, and "
                          "plot_model(model, to_file='model.dot') writes it to a file.)") from None
    text = dot_text(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                    rankdir=rankdir, dpi=dpi, show_layer_activations=show_layer_activations,
                    show_trainable=show_trainable, splines=splines)
    graphs = pydot.graph_from_dot_data(text)
    return graphs[0]


def dot_text(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB", dpi=96,
             show_layer_activations=False, show_trainable=False, splines=None):
    """The model's graph as DOT text (a str), one box per layer, one arrow per connection."""
    if not getattr(model, "built", False):
        raise ValueError(f"plot_model: model {model.name!r} is not built yet; call it on data or build() it first")
    lines = [f"digraph {_quote(model.name)} {{",
             f"  graph [rankdir={_quote(rankdir)}, dpi={int(dpi)}"
             + (f", splines={_quote(splines)}" if splines else "") + "];",
             '  node [shape="box", fontname="Helvetica"];']
    ids = {}
    for i, layer in enumerate(model.operations):
        ids[id(layer)] = f"layer_{i}"
        label = _layer_label(model, layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
                             show_trainable)
        lines.append(f"  layer_{i} [label={_quote(label)}];")
    for source, target in _edges(model):
        if id(source) in ids and id(target) in ids:
            lines.append(f"  {ids[id(source)]} -> {ids[id(target)]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=96, show_layer_activations=False, show_trainable=False,
               **kwargs):
    """Draw the model's graph into `to_file` (format from the extension: png, svg, pdf, jpg or dot)."""
    dot = dot_text(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                   rankdir=rankdir, dpi=dpi, show_layer_activations=show_layer_activations,
                   show_trainable=show_trainable)
    extension = os.path.splitext(str(to_file))[1].lower().lstrip(".") or "png"
    if extension in ("dot", "gv"):
        with open(to_file, "w", encoding="utf-8") as handle:
            handle.write(dot)
        return _display(to_file, extension)
    program = shutil.which("dot")
    if program is None:
        raise ImportError(_INSTALL_HINT.format(fmt=extension.upper()))
    result = subprocess.run([program, f"-T{extension}", "-o", str(to_file)], input=dot.encode("utf-8"),
                            capture_output=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"plot_model: Graphviz could not write {to_file!r} as {extension}: "
                           f"{result.stderr.decode(errors='replace').strip()}")
    return _display(to_file, extension)


def _display(path, extension):
    """In a notebook, show the picture as Keras does; elsewhere return None."""
    import sys
    if "IPython" not in sys.modules or extension not in ("png", "jpg", "jpeg", "svg"):
        return None
    try:
        from IPython import display
        return display.SVG(filename=path) if extension == "svg" else display.Image(filename=path)
    except ImportError:
        return None
