"""A tkeras model as a plain `torch.nn.Module`, for code that wants to leave Keras behind.

A tkeras model already is an `nn.Module`, but its `__call__` speaks Keras: it converts NumPy input,
builds on first call, takes `training=` and, outside fit/predict, hands back Keras' eager tensor
wrapper. `InferenceModule` gives torch's contract instead: `forward(*tensors)` → tensors (a tuple for
several outputs), with `self.training` (`.train()` / `.eval()`, eval after construction) deciding
Dropout/BatchNorm behaviour. Its parameters are the model's own Variables, so a torch optimizer
trains the model in place, and `torch.jit.trace`, `torch.export`, `torch.compile` and ONNX export
all see an ordinary module.
"""
import torch

from tkeras.backend.context import CALL_CONTEXT


class InferenceModule(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        if not getattr(model, "built", False):
            raise ValueError(
                f"Model {getattr(model, 'name', model)!r} is not built yet, so it has no weights to hand over. "
                f"Call it on a batch, call model.build(input_shape), or give its first layer an input_shape.")
        self.model = model
        self.output_names = None
        self.eval()

    def forward(self, *inputs, **named_inputs):
        if named_inputs:
            model_input = dict(named_inputs)
        elif len(inputs) == 1:
            model_input = inputs[0]
        else:
            model_input = list(inputs)
        saved_raw = CALL_CONTEXT.raw
        CALL_CONTEXT.raw = True  # plain torch tensors out, not Keras' eager wrapper
        try:
            outputs = self.model(model_input, training=self.training)
        finally:
            CALL_CONTEXT.raw = saved_raw
        return _plain(outputs, self)


def _plain(outputs, owner):
    if isinstance(outputs, torch.Tensor):
        return outputs
    if isinstance(outputs, dict):
        owner.output_names = list(outputs)
        return tuple(outputs.values())
    if isinstance(outputs, (list, tuple)):
        return tuple(outputs)
    raise TypeError(f"InferenceModule: the model returned {type(outputs).__name__}; expected tensors")
