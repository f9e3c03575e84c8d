"""TorchModuleWrapper: any `torch.nn.Module` as a layer, as Keras 3's torch backend offers it.

The module's parameters become the layer's weights: each is swapped, in the module itself, for a
tkeras `Variable` holding the same values, so the module computes with the very tensors that
`fit`'s optimizer updates, `get_weights`/`set_weights` see, and `trainable` switches. Buffers (a
BatchNorm's running statistics) stay the module's own.

Files follow Keras' layout: the layer stores the module's whole `state_dict` (buffers included) in its
`vars` group, one dataset per state-dict key (`vars/weight`, `vars/0.bias`, ...), and its config holds
the pickled module (`torch.save`, base64). Unpickling runs code from the file, so loading that config
is refused unless the load was given `safe_mode=False` (or `keras.config.
enable_unsafe_deserialization()` was called); a direct `from_config` refuses it too.
"""
import base64
import io

import numpy as np
import torch

from tkeras.backend import config
from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.variable import Variable
from tkeras.layers.layer import Layer


class TorchModuleWrapper(Layer):
    """Wraps a `torch.nn.Module` (already initialized, if lazy) so models track, train and save it.

    Args:
        module: the `torch.nn.Module`.
        name: the layer's name.
        output_shape: the output shape, for shape inference in functional models; by default the
            module is run once on zeros to find it.

    Example:
        >>> conv = TorchModuleWrapper(torch.nn.Conv2d(1, 8, 3))
        >>> model = keras.Sequential([keras.Input((1, 28, 28)), conv, keras.layers.Flatten(),
        ...                           keras.layers.Dense(10)])
    """

    def __init__(self, module, name=None, output_shape=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not isinstance(module, torch.nn.Module):
            raise TypeError(f"TorchModuleWrapper: `module` must be a torch.nn.Module, received {module!r} "
                            f"(of type {type(module).__name__})")
        lazy = isinstance(module, torch.nn.modules.lazy.LazyModuleMixin) and module.has_uninitialized_params()
        if lazy:
            raise ValueError(f"TorchModuleWrapper: the lazy module {type(module).__name__} has uninitialized "
                             f"parameters; call it once on an example input before wrapping it")
        self.module = module.to(config.device())
        self._track_module_parameters()
        self._module_output_shape = None if output_shape is None else tuple(output_shape)
        self.built = True

    def _track_module_parameters(self):
        """Swap each parameter (once, even if shared) for a Variable with the same values and place."""
        swapped = {}
        for module_name, submodule in self.module.named_modules():
            for param_name, param in list(submodule._parameters.items()):
                if param is None:
                    continue
                variable = swapped.get(id(param))
                if variable is None:
                    variable = Variable(param.detach(), trainable=param.requires_grad, name=param_name)
                    variable._keras_path = f"{self.name}/{module_name + '.' if module_name else ''}{param_name}"
                    variable._keras_tracked_trainable = variable.trainable  # what unfreezing gives back
                    if not self.trainable:  # TorchModuleWrapper(module, trainable=False): frozen weights
                        variable.trainable = False
                    swapped[id(param)] = variable
                    self._own_weights.append(variable)
                submodule._parameters[param_name] = variable

    def call(self, *args, training=None, **kwargs):
        # Keras' torch backend: train mode unless inference was asked for (a plain call trains).
        explicit = CALL_CONTEXT.training
        self.module.train(True if explicit is None else bool(explicit))
        return self.module(*args, **kwargs)

    @property
    def output_shape(self):
        if self._module_output_shape is not None:
            return self._module_output_shape
        return super().output_shape

    def compute_output_shape(self, input_shape):
        if self._module_output_shape is not None:
            return self._module_output_shape
        return super().compute_output_shape(input_shape)

    # -- files --------------------------------------------------------------------------------------
    def save_own_variables(self, store):
        """The whole state dict (parameters and buffers), by its keys, as Keras writes it."""
        for key, value in self.module.state_dict().items():
            store[key] = value.detach().cpu().numpy()

    def load_own_variables(self, store):
        state = {}
        for key in store.keys():
            name = key.decode() if isinstance(key, bytes) else key
            state[name] = torch.as_tensor(np.asarray(store[key]))
        expected = self.module.state_dict()
        if set(state) != set(expected):
            raise ValueError(f"TorchModuleWrapper {self.name!r}: the stored state has the keys {sorted(state)}, "
                             f"the module's state_dict has {sorted(expected)}")
        with torch.no_grad():
            for key, target in expected.items():
                target.copy_(state[key].to(dtype=target.dtype, device=target.device))

    def get_config(self):
        config_ = super().get_config()
        buffer = io.BytesIO()
        torch.save(self.module, buffer)
        config_.update({"module": base64.b64encode(buffer.getvalue()).decode("ascii"),
                        "output_shape": None if self._module_output_shape is None
                        else list(self._module_output_shape)})
        return config_

    @classmethod
    def from_config(cls, config_, custom_objects=None, safe_mode=None):
        from tkeras.saving import safe_mode as policy
        config_ = dict(config_)
        module = config_.get("module")
        if isinstance(module, str):
            allowed = policy.bytecode_allowed() if safe_mode is None else safe_mode is False
            if not allowed:
                from tkeras.saving.errors import UnsafeLoadError
                raise UnsafeLoadError(
                    f"TorchModuleWrapper {config_.get('name', '')!r}: its config holds a pickled torch module; "
                    f"unpickling it (torch.load) can run arbitrary code from the file. {policy.OPT_IN}")
            buffer = io.BytesIO(base64.b64decode(module.encode("ascii")))
            config_["module"] = torch.load(buffer, weights_only=False, map_location=config.device())
        return cls(**config_)
