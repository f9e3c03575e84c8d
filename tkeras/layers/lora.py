"""Keras 3's LoRA (low-rank adaptation): Dense, EinsumDense and the convolutions adapt their `kernel`,
Embedding and ReversibleEmbedding their `embeddings` table.

`layer.enable_lora(rank)` (or `lora_rank=` at construction, applied when the layer builds) freezes the
float weight W and adds two float32 weights, `lora_<W>_a` (W.shape[:-1] + (rank,)) and `lora_<W>_b`
((rank, W.shape[-1])). From then on reading `layer.<W>` gives

    frozen W + (lora_alpha / lora_rank) * lora_<W>_a @ lora_<W>_b

so the layer computes with the adapted weight and training moves only A and B (B starts at zero, so
the layer's output is unchanged at first). As in Keras, a file holds the merged W under W's own key
and no LoRA weights: a file saved from a LoRA layer loads into a plain one, and loading into a LoRA
layer puts the file's W in the frozen slot and zeroes A and B. `weights` keeps creation order
([kernel, bias, lora_kernel_a, lora_kernel_b]: layers/weight_order.py).

The stored W lives in the instance dict as `_<W>` (still registered with torch as `<W>`, so
state_dict keys and weight paths are those of the plain layer); the property below reads it, so a
layer without LoRA pays one dict read.

QLoRA (as Keras 3): on an int8-quantized Dense / EinsumDense the int8 kernel and its scale stay frozen,
the call adds `inputs @ A @ B` (scaled) to the int8 product, `kernel` reads the int8 values plus the
scaled update, and a file holds the merged kernel re-quantized to int8 with its new scale (no A, B).
"""
import torch

from tkeras import initializers
from tkeras.backend import config


def _adapted_weight(target):
    """The `kernel` / `embeddings` property of a LoRA-capable layer."""
    stored = "_" + target
    a_name, b_name = f"lora_{target}_a", f"lora_{target}_b"

    def read(self):
        base = self.__dict__.get(stored)
        if base is None:
            base = self.__dict__["_parameters"].get(stored)  # assigned a torch Parameter, not a Variable
        if base is None:
            # Quantized: as Keras, an int8 Embedding's table variable, or the int4 values unpacked (int8 in
            # [-8, 7], the float weight's shape) of an int4 Embedding, Dense or EinsumDense.
            layout = self.__dict__.get("_int4_layout") or self.__dict__.get("_quantized_layout")
            unpacked = getattr(layout, "unpacked_table", None) or getattr(layout, "unpacked_kernel", None)
            if unpacked is not None:
                return unpacked(self)
            # Not built yet (or no float weight): AttributeError lets torch register the weight and
            # lets nn.Module find one registered some other way.
            raise AttributeError(f"{type(self).__name__} {self.name!r} has no `{target}` yet: build the layer "
                                 f"(call it once) before reading it")
        if not self.__dict__.get("lora_enabled", False):
            return base
        own = self.__dict__
        update = torch.matmul(own[a_name], own[b_name]) * (self.lora_alpha / self.lora_rank)
        if not base.dtype.is_floating_point:
            # int8-quantized layer (QLoRA): as in Keras, the stored integers plus the update, in the compute
            # dtype (not de-scaled: the layer's call de-scales the int8 product and adds the LoRA term)
            return (base.to(update.dtype) + update).to(config.standardize_dtype(self.compute_dtype))
        return base + update.to(base.dtype)

    def write(self, value):
        self.__dict__.pop(stored, None)
        setattr(self, stored, value)  # Layer.__setattr__: an own weight goes to the instance dict

    return property(read, write, doc=f"The layer's `{target}`, with the LoRA update added when enabled.")


class _LoraMixin:
    """Listed before `Layer` in the bases; `_lora_target` names the adapted weight."""

    _lora_target = None
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
        """End of `build`: apply the `lora_rank` (and `lora_alpha`) given at construction."""
        if self.lora_rank:
            self.enable_lora(self.lora_rank, lora_alpha=self.lora_alpha)

    def __delattr__(self, name):
        # nn.Module's __delattr__ (which drops the registered weight) runs before any property deleter
        if name == self._lora_target:
            self.__dict__.pop("_" + name, None)
        super().__delattr__(name)

    def _lora_pair(self):
        target = self._lora_target
        return getattr(self, f"lora_{target}_a"), getattr(self, f"lora_{target}_b")

    # -- enable_lora --------------------------------------------------------------------------------
    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform", b_initializer="zeros"):
        """Freeze the adapted weight and learn a rank-`rank` update `a @ b` scaled by `lora_alpha / rank`."""
        label, target = f"{type(self).__name__} {self.name!r}", self._lora_target
        if getattr(self, f"{target}_constraint", None) is not None:
            raise ValueError(f"{label}: enable_lora() cannot be combined with a {target}_constraint (the "
                             f"constraint would apply to the frozen {target} only); build the layer without "
                             f"`{target}_constraint` to use LoRA")
        if not self.built:
            raise ValueError(f"{label}: build the layer (call it once) before enable_lora()")
        if self.lora_enabled:
            raise ValueError(f"{label}: LoRA is already enabled (rank {self.lora_rank}); enable_lora() can be "
                             f"called once per layer")
        if self.quantization_mode not in (None, "int8"):
            raise NotImplementedError(f"{label}: enable_lora() on a layer quantized in mode "
                                      f"{self.quantization_mode!r} ({self.dtype_policy.name}) is not supported by "
                                      f"tkeras; LoRA runs on float layers and on int8-quantized ones (QLoRA)")
        if isinstance(rank, bool) or not isinstance(rank, int) or rank <= 0:
            raise ValueError(f"{label}: enable_lora() needs a positive integer rank; received rank={rank!r}")
        base = self.__dict__["_" + target]
        regularizer = getattr(self, f"{target}_regularizer", None)
        a = self.add_weight(name=f"lora_{target}_a", shape=tuple(base.shape[:-1]) + (rank,),
                            initializer=initializers.get(a_initializer), dtype="float32", regularizer=regularizer)
        b = self.add_weight(name=f"lora_{target}_b", shape=(rank, base.shape[-1]),
                            initializer=initializers.get(b_initializer), dtype="float32", regularizer=regularizer)
        setattr(self, f"lora_{target}_a", a)
        setattr(self, f"lora_{target}_b", b)
        base.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    # -- files: the merged weight, no LoRA weights --------------------------------------------------
    def _own_variables_in_file_order(self):
        variables = super()._own_variables_in_file_order()
        if not self.lora_enabled:
            return variables
        pair = {id(w) for w in self._lora_pair()}
        return [w for w in variables if id(w) not in pair]

    def save_own_variables(self, store):
        """The merged weight under its own key, the others as a plain layer stores them."""
        if not self.lora_enabled:
            return super().save_own_variables(store)
        with torch.no_grad():
            replaced = self._lora_merged_for_file()
            for index, variable in enumerate(self._own_variables_in_file_order()):
                value = replaced.get(id(variable), variable)
                store[str(index)] = value.detach().cpu().numpy()

    def _lora_merged_for_file(self):
        """{id(variable): what the file holds instead}: the merged float weight (an int8 layer re-quantizes
        the merged kernel and replaces its scale too: int8_quantization.py)."""
        base = self.__dict__["_" + self._lora_target]
        return {id(base): getattr(self, self._lora_target).detach().to(base.dtype)}

    def load_own_variables(self, store):
        """A plain layer's arrays: the weight goes to the frozen slot, and A and B restart at zero."""
        super().load_own_variables(store)
        if self.lora_enabled:
            with torch.no_grad():
                for variable in self._lora_pair():
                    variable.zero_()

    save_own_variables._plain_layout = True  # a layer without LoRA is saved as the base hooks save it
    load_own_variables._plain_layout = True

    def _lora_config(self, config):
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config


class LoraKernelMixin(_LoraMixin):
    """For a layer whose `build` makes `self.kernel` (Dense, EinsumDense, the convolutions)."""

    _lora_target = "kernel"
    kernel = _adapted_weight("kernel")


class LoraEmbeddingsMixin(_LoraMixin):
    """For a layer whose `build` makes `self.embeddings` (Embedding, ReversibleEmbedding)."""

    _lora_target = "embeddings"
    embeddings = _adapted_weight("embeddings")
