"""ONNX export through torch.onnx: `model.export(path, format="onnx")`, `tkeras.export.to_onnx(...)`.

The model is wrapped in `InferenceModule` (plain torch forward, inference mode, float32 weights) and
handed to `torch.onnx.export`, which traces one forward pass on example inputs. The batch axis is
exported as dynamic; other axes keep the size of the example, since traced Python loops (a recurrent
layer stepping through time) are unrolled for that size — give `input_signature` with the shapes you
will serve when the model's own input shape leaves them open.

When the exporter meets an operation ONNX cannot express, tkeras replays the export layer by layer to
name the layer responsible, and raises `ValueError` with that layer, the operation and what to do.
"""
import os
import warnings

import numpy as np
import torch

from tkeras.backend.context import CALL_CONTEXT
from tkeras.export.torch_module import InferenceModule

_EXAMPLE_BATCH = 2


def to_onnx(model, filepath, input_signature=None, opset_version=None, dynamic_batch=True, verbose=False):
    """Write `model` to `filepath` as an ONNX graph; returns the path.

    input_signature: None (taken from the model's input shape), or one entry per model input, each a
    shape tuple (the batch dimension first, None allowed there), an object with `.shape`/`.dtype`
    (`keras.InputSpec`, `KerasTensor`, `torch.Tensor`, `np.ndarray`), or an example array.
    """
    _require_onnx()
    filepath = os.fspath(filepath)
    if not filepath.endswith(".onnx"):
        warnings.warn(f"to_onnx: {filepath!r} does not end in '.onnx'; ONNX runtimes expect that extension",
                      stacklevel=2)
    examples, names = _example_inputs(model, input_signature)
    module = InferenceModule(model)
    with torch.no_grad():
        probe = module(*examples)
    outputs = probe if isinstance(probe, tuple) else (probe,)
    output_names = module.output_names or (["output"] if len(outputs) == 1 else
                                           [f"output_{i}" for i in range(len(outputs))])
    dynamic_axes = None
    if dynamic_batch:
        dynamic_axes = {name: {0: "batch"} for name in list(names) + list(output_names)}
    directory = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(directory, exist_ok=True)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=torch.jit.TracerWarning)
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            torch.onnx.export(module, tuple(examples), filepath, input_names=list(names),
                              output_names=list(output_names), dynamic_axes=dynamic_axes,
                              opset_version=opset_version, dynamo=False, verbose=verbose)
    except Exception as error:  # find the layer that cannot be expressed, then explain
        culprit = _find_unexportable_layer(model, examples, opset_version)
        raise _explain(model, culprit, error) from error
    _normalise_graph(filepath)
    return filepath


def _normalise_graph(filepath):
    """Repair what torch's exporter writes but ONNX runtimes reject.

    `x.permute(0, -1, 1, 2)` (channels-last → channels-first, as convolution layers write it) is
    exported as a Transpose whose `perm` keeps the negative axis; ONNX requires 0..rank-1.
    """
    import onnx
    graph = onnx.load(filepath)
    changed = False
    for node in graph.graph.node:
        if node.op_type != "Transpose":
            continue
        for attribute in node.attribute:
            if attribute.name == "perm" and any(axis < 0 for axis in attribute.ints):
                rank = len(attribute.ints)
                fixed = [axis + rank if axis < 0 else axis for axis in attribute.ints]
                del attribute.ints[:]
                attribute.ints.extend(fixed)
                changed = True
    if changed:
        onnx.save(graph, filepath)


def _require_onnx():
    try:
        import onnx  # noqa: F401  - torch.onnx serialises through it
    except ImportError as error:
        raise ImportError("ONNX export needs the 'onnx' package: pip install onnx (and onnxruntime to run the "
                          "exported file)") from error


# -- example inputs ------------------------------------------------------------------------------
def _example_inputs(model, input_signature):
    specs = _signature_entries(model, input_signature)
    names = []
    examples = []
    for i, (shape, dtype, name) in enumerate(specs):
        shape = tuple(shape)
        open_axes = [axis for axis, size in enumerate(shape) if size is None and axis > 0]
        if open_axes:
            raise ValueError(
                f"to_onnx: input {i} of model {model.name!r} has shape {shape} with unknown non-batch "
                f"dimension(s) {open_axes}; ONNX export traces one forward pass, so pass input_signature "
                f"with concrete sizes, e.g. input_signature=[{(None,) + tuple(8 if s is None else s for s in shape[1:])}]")
        batch = shape[0] if shape and shape[0] is not None else _EXAMPLE_BATCH
        torch_dtype = _torch_dtype(dtype)
        if torch_dtype.is_floating_point:
            generator = torch.Generator().manual_seed(i)
            example = torch.randn((batch,) + shape[1:], generator=generator).to(torch_dtype)
        else:
            example = torch.zeros((batch,) + shape[1:], dtype=torch_dtype)
        device = next((w.device for w in model.weights), torch.device("cpu"))
        examples.append(example.to(device))
        names.append(name or ("input" if len(specs) == 1 else f"input_{i}"))
    if len(set(names)) != len(names):
        names = [f"input_{i}" for i in range(len(names))]
    return examples, names


def _signature_entries(model, input_signature):
    if input_signature is None:
        return _model_input_specs(model)
    entries = input_signature if isinstance(input_signature, (list, tuple)) and input_signature and not all(
        isinstance(s, (int, type(None))) for s in input_signature) else [input_signature]
    specs = []
    for entry in entries:
        if isinstance(entry, (np.ndarray, torch.Tensor)):
            specs.append(((None,) + tuple(entry.shape[1:]), entry.dtype, None))
        elif hasattr(entry, "shape"):
            specs.append((tuple(entry.shape), getattr(entry, "dtype", None), getattr(entry, "name", None)))
        elif isinstance(entry, (list, tuple)):
            specs.append((tuple(entry), None, None))
        else:
            raise TypeError(f"to_onnx: input_signature entries must be shape tuples, arrays or InputSpec-like "
                            f"objects with .shape; received {entry!r}")
    return specs


def _model_input_specs(model):
    # A functional graph's own Input tensors (a Sequential's `inputs` is traced on a float Input, which
    # would lose an Embedding's integer ids: its shape is taken from the model below instead).
    inputs = getattr(model, "_input_tensors", None)
    if inputs:
        return [(tuple(t.shape), getattr(t, "dtype", None), _clean_name(getattr(t, "name", None))) for t in inputs]
    shape = getattr(model, "_input_batch_shape", None) or getattr(model, "_build_input_shape", None)
    if shape is None:
        raise ValueError(
            f"to_onnx: model {model.name!r} does not know its input shape (it was never built on an input "
            f"shape). Pass input_signature=[(None, ...)], e.g. input_signature=[(None, 784)].")
    if isinstance(shape, list):
        return [(tuple(s), None, None) for s in shape]
    return [(tuple(shape), _first_layer_dtype(model), None)]


def _first_layer_dtype(model):
    layers = getattr(model, "layers", None) or []
    if layers and type(layers[0]).__name__ == "Embedding":
        return "int64"
    return None


def _clean_name(name):
    if not name:
        return None
    return "".join(c if c.isalnum() or c == "_" else "_" for c in str(name))


def _torch_dtype(dtype):
    if dtype is None:
        return torch.float32
    if isinstance(dtype, torch.dtype):
        return dtype
    from tkeras.backend import config
    if isinstance(dtype, np.dtype):
        dtype = dtype.name
    return config.standardize_dtype(dtype)


# -- naming the layer that cannot be exported -----------------------------------------------------
class _LayerCall(torch.nn.Module):
    def __init__(self, layer, kwargs):
        super().__init__()
        self.layer = layer
        self.kwargs = kwargs

    def forward(self, inputs):
        saved = CALL_CONTEXT.raw
        CALL_CONTEXT.raw = True
        try:
            return self.layer(inputs, training=False, **self.kwargs)
        finally:
            CALL_CONTEXT.raw = saved


def _record_layer_inputs(model, examples):
    """Run the model once, noting what each innermost layer was called with."""
    leaves = [layer for layer in model._flatten_layers(include_self=False) if not list(layer._direct_sublayers())]
    seen = []
    originals = {}
    for layer in leaves:
        original = layer.call
        originals[id(layer)] = (layer, original)

        def recorder(inputs, *args, _layer=layer, _original=original, **kwargs):
            kept = {k: v for k, v in kwargs.items() if k not in ("training",)}
            if not any(entry[0] is _layer for entry in seen) and isinstance(inputs, torch.Tensor) and not args:
                seen.append((_layer, inputs.detach(), kept))
            return _original(inputs, *args, **kwargs)

        layer.__dict__["call"] = recorder
    try:
        with torch.no_grad():
            InferenceModule(model)(*examples)
    except Exception:
        pass
    finally:
        for layer, _ in originals.values():
            layer.__dict__.pop("call", None)
    return seen


def _find_unexportable_layer(model, examples, opset_version):
    import io
    try:
        recorded = _record_layer_inputs(model, examples)
    except Exception:
        return None
    for layer, inputs, kwargs in recorded:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.onnx.export(_LayerCall(layer, kwargs), (inputs,), io.BytesIO(), opset_version=opset_version,
                                  dynamo=False)
        except Exception as error:
            return layer, error
    return None


def _explain(model, culprit, error):
    detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if culprit is not None:
        layer, layer_error = culprit
        detail = str(layer_error).strip().splitlines()[0] if str(layer_error).strip() else detail
        where = f"layer {layer.name!r} ({type(layer).__name__})"
    else:
        where = f"model {model.name!r} ({type(model).__name__})"
    return ValueError(
        f"ONNX export failed: {where} uses an operation ONNX cannot express: {detail}. Rewrite that layer's "
        f"call() with operations ONNX supports, export with a newer opset (opset_version=...), or save the model "
        f"in the Keras format instead (model.save('model.keras')).")
