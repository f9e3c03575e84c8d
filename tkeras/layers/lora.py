"""Keras 3's LoRA (low-rank adaptation) of a layer's `kernel`: Dense and the convolutions.

`layer.enable_lora(rank)` (or `lora_rank=` at construction, applied when the layer builds) freezes the
float kernel and adds two float32 weights, `lora_kernel_a` (kernel.shape[:-1] + (rank,)) and
`lora_kernel_b` ((rank, kernel.shape[-1])). From then on `layer.kernel` reads

    frozen kernel + (lora_alpha / lora_rank) * lora_kernel_a @ lora_kernel_b

so the layer computes with the adapted kernel and training moves only A and B (B starts at zero, so
the layer's output is unchanged at first). As in Keras, a file holds the merged kernel under the
kernel's own key and no LoRA weights: a file saved from a LoRA layer loads into a plain one, and
loading into a LoRA layer puts the file's kernel in the frozen slot and zeroes A and B.

The stored kernel lives in the instance dict as `_kernel` (still registered with torch as `kernel`,
so state_dict keys and weight paths are those of the plain layer); the `kernel` property below reads it.
"""
import torch

from tkeras import initializers


class LoraKernelMixin:
    """Listed before `Layer` in the bases of a layer whose `build` makes `self.kernel`."""

    lora_enabled = False
    _extra_config_keys = ("lora_rank", "lora_alpha")  # read by saving/config_compat.py

    def _init_lora(self, lora_rank, lora_alpha):
        for name, value in (("lora_rank", lora_rank), ("lora_alpha", lora_alpha)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                      or value <= 0):
                raise ValueError(f"{type(self).__name__} {self.name!r}: {name} must be a positive number or "
                                 f"None; received {name}={value!r}")
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _build_lora(self):
        """End of `build`: apply the `lora_rank` given at construction."""
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    # -- the kernel property ------------------------------------------------------------------------
    @property
    def kernel(self):
        base = self.__dict__.get("_kernel")
        if base is None:
            # Not built yet (or no float kernel): AttributeError lets torch register `kernel` and lets
            # nn.Module find a kernel registered some other way.
            raise AttributeError(f"{type(self).__name__} {self.name!r} has no `kernel` yet: build the layer "
                                 f"(call it once) before reading it")
        if not self.__dict__.get("lora_enabled", False):
            return base
        update = torch.matmul(self.lora_kernel_a, self.lora_kernel_b) * (self.lora_alpha / self.lora_rank)
        return base + update.to(base.dtype)

    @kernel.setter
    def kernel(self, value):
        if "_kernel" in self.__dict__:
            del self.__dict__["_kernel"]
        self._kernel = value  # Layer.__setattr__: an own weight goes to the instance dict

    def __delattr__(self, name):
        # nn.Module's __delattr__ (which drops the registered `kernel`) runs before any property deleter
        if name == "kernel":
            self.__dict__.pop("_kernel", None)
        super().__delattr__(name)

    # -- enable_lora --------------------------------------------------------------------------------
    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the kernel and learn a rank-`rank` update `a @ b` scaled by `lora_alpha / rank`."""
        label = f"{type(self).__name__} {self.name!r}"
        if self.kernel_constraint is not None:
            raise ValueError(f"{label}: enable_lora() cannot be combined with a kernel_constraint (the "
                             f"constraint would apply to the frozen kernel only); build the layer without "
                             f"`kernel_constraint` to use LoRA")
        if not self.built:
            raise ValueError(f"{label}: build the layer (call it once) before enable_lora()")
        if self.lora_enabled:
            raise ValueError(f"{label}: LoRA is already enabled (rank {self.lora_rank}); enable_lora() can be "
                             f"called once per layer")
        if self.quantization_mode is not None:
            raise NotImplementedError(f"{label}: enable_lora() on a quantized layer ({self.dtype_policy.name}) "
                                      f"is not supported by tkeras")
        if isinstance(rank, bool) or not isinstance(rank, int) or rank <= 0:
            raise ValueError(f"{label}: enable_lora() needs a positive integer rank; received rank={rank!r}")
        base = self.__dict__["_kernel"]
        self.lora_kernel_a = self.add_weight(name="lora_kernel_a", shape=tuple(base.shape[:-1]) + (rank,),
                                             initializer=initializers.get(a_initializer), dtype="float32",
                                             regularizer=self.kernel_regularizer)
        self.lora_kernel_b = self.add_weight(name="lora_kernel_b", shape=(rank, base.shape[-1]),
                                             initializer=initializers.get(b_initializer), dtype="float32",
                                             regularizer=self.kernel_regularizer)
        base.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    # -- files: the merged kernel, no LoRA weights --------------------------------------------------
    def _own_variables_in_file_order(self):
        if not self.lora_enabled:
            return super()._own_variables_in_file_order()
        return [self._kernel] + ([self.bias] if getattr(self, "bias", None) is not None else [])

    def save_own_variables(self, store):
        """The merged kernel (and the bias) under "0" ("1"), as a plain layer stores them."""
        if not self.lora_enabled:
            return super().save_own_variables(store)
        with torch.no_grad():
            store["0"] = self.kernel.detach().to(self._kernel.dtype).cpu().numpy()
        if getattr(self, "bias", None) is not None:
            store["1"] = self.bias.detach().cpu().numpy()

    def load_own_variables(self, store):
        """A plain layer's arrays: the kernel goes to the frozen slot, and A and B restart at zero."""
        super().load_own_variables(store)
        if self.lora_enabled:
            with torch.no_grad():
                self.lora_kernel_a.zero_()
                self.lora_kernel_b.zero_()

    save_own_variables._plain_layout = True  # a layer without LoRA is saved as the base hooks save it
    load_own_variables._plain_layout = True

    def _lora_config(self, config):
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
