"""TensorFlow's GradientTape on torch autograd.

Torch already records every operation on tensors that require gradients, and trainable Variables do,
so the tape needs no recording of its own: `gradient()` is `torch.autograd.grad` over what the user
asks for. What the tape adds is TensorFlow's contract: `watch(x)` makes a constant differentiable
(by flipping `requires_grad` on it, so every later op on that very tensor is recorded), unconnected
sources give None, a non-scalar target is differentiated as its sum (or weighted by
`output_gradients`, which must match the targets in number and shape), a non-persistent tape answers
once, and a tape that is still recording around another tape's `gradient()` call (or a persistent tape
asked inside its own block) makes that gradient differentiable itself (second derivatives).

A constant made differentiable by one tape's `watch` stays so for torch while that tape may still answer,
but other tapes treat it as TensorFlow does: a constant they did not watch themselves gets no gradient
(None). Once a non-persistent tape has answered, the constants it watched stop requiring gradients again
(unless another tape watches them too), as TensorFlow's watch is the tape's and not the tensor's: a
Langevin sampler's `x += step * tape.gradient(energy, x)` then updates a plain tensor (torch refuses an
in-place update of a leaf that requires gradients) instead of chaining every step's graph onto the next.
"""
import weakref

import numpy as np
import torch

from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.eager_tensor import EagerTensor
from tkeras.utils import tree

# Tapes between __enter__ and __exit__, innermost last.
_RECORDING = []


def _beneath_wrapper_alias(source):
    """Where autograd should look for `source`'s gradient.

    Returning a tensor to the user wraps it as an EagerTensor, an autograd alias of the tensor the
    computation went on with: a functional model's intermediate output (Grad-CAM's
    `Model(inputs, [conv_layer.output, model.output])`) is such an alias, and nothing downstream reads
    it. In TensorFlow it is the very tensor the rest of the model consumed, so its gradient is taken at
    the tensor beneath the alias (which also counts any use of the alias itself).
    """
    node = source.grad_fn
    if node is None or not isinstance(source, EagerTensor):
        return source
    output_nr = 0
    while type(node).__name__ == "AliasBackward0" and node.next_functions:
        node, output_nr = node.next_functions[0]
        if node is None:
            return source
    if node is source.grad_fn:
        return source
    return torch.autograd.graph.GradientEdge(node, output_nr)


class GradientTape:
    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._watched = {}
        self._made_differentiable = {}  # constants whose requires_grad this tape's watch switched on
        self._used = False
        self._recording = False
        self._grad_mode = None
        # Tapes that recorded at the same time as this one (`with tf.GradientTape() as gen_tape,
        # tf.GradientTape() as disc_tape:`): in TensorFlow each keeps its own record, in torch they share
        # one graph, so this tape's gradient() must not free it while such a tape still has to answer.
        self._overlapping = weakref.WeakSet()

    # -- recording --------------------------------------------------------------------------------
    def __enter__(self):
        self._recording = True
        for other in _RECORDING:
            other._overlapping.add(self)
            self._overlapping.add(other)
        _RECORDING.append(self)
        # A tape records even where the surrounding code switched autograd off (e.g. inside predict).
        self._grad_mode = torch.enable_grad()
        self._grad_mode.__enter__()
        return self

    def __exit__(self, *exc):
        self._grad_mode.__exit__(*exc)
        self._recording = False
        if self in _RECORDING:
            _RECORDING.remove(self)
        return False

    def stop_recording(self):
        """Context in which operations are not recorded (TensorFlow's `tape.stop_recording()`)."""
        return torch.no_grad()

    def reset(self):
        self._watched.clear()
        self._made_differentiable.clear()
        self._used = False

    def watch(self, tensor):
        """Record operations on `tensor` (a constant, or a Variable when watch_accessed_variables=False)."""
        for item in tree.flatten(tensor):
            if not isinstance(item, torch.Tensor):
                raise ValueError(
                    f"GradientTape.watch: expected a tensor or Variable, received {type(item).__name__} "
                    f"{item!r:.60}; convert it first, e.g. x = tf.constant(x)")
            if item.is_floating_point() or item.is_complex():
                if not item.requires_grad:
                    if item.grad_fn is not None or not item.is_leaf:
                        raise ValueError("GradientTape.watch: cannot watch a tensor computed without gradients")
                    item.requires_grad_(True)
                    item.__dict__["_keras_watched_constant"] = True  # differentiable only where watched
                    self._made_differentiable[id(item)] = item
            self._watched[id(item)] = item

    def watched_variables(self):
        return [t for t in self._watched.values() if isinstance(t, torch.nn.Parameter)]

    # -- gradients --------------------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        if self._used and not self._persistent:
            raise RuntimeError(
                "A non-persistent GradientTape can only be used to compute one set of gradients (or "
                "jacobians); create it with tf.GradientTape(persistent=True) to call gradient() again")
        flat_sources = tree.flatten(sources)
        for i, source in enumerate(flat_sources):
            if not isinstance(source, torch.Tensor):
                raise TypeError(
                    f"GradientTape.gradient: sources must be Variables or tensors; source {i} is "
                    f"{type(source).__name__} {source!r:.60}")
        if target is None:
            raise TypeError("GradientTape.gradient: the target is None; pass the tensor to differentiate "
                            "(e.g. the loss computed inside the `with tf.GradientTape() as tape:` block)")
        targets = [t for t in tree.flatten(target) if t is not None]
        for i, t in enumerate(targets):
            if not isinstance(t, torch.Tensor):
                raise TypeError(f"GradientTape.gradient: the target must be a tensor, received "
                                f"{type(t).__name__} {t!r:.60}")
        seeds = None if output_gradients is None else _output_gradient_seeds(output_gradients, targets)
        self._used = True
        differentiable = [self._is_differentiable(s) for s in flat_sources]
        wanted = [s for s, ok in zip(flat_sources, differentiable) if ok]
        # Plain views of EagerTensor targets: autograd's own bookkeeping then skips __torch_function__.
        with torch.enable_grad():  # (an alias made under no_grad would lose the graph)
            connected = [t.as_subclass(torch.Tensor) if isinstance(t, EagerTensor) else t
                         for t in targets if t.requires_grad]
        grads = [None] * len(flat_sources)
        if wanted and connected:
            if seeds is None:
                seeds = [torch.ones_like(t) for t in connected]  # the gradient of the sum, as TF does
            # The gradient is itself differentiated when another tape records around this call, when a
            # persistent tape is asked inside its own `with` block (TensorFlow records the gradient ops on
            # that tape: `tape.gradient(df_dx, [x, y])` later gives second derivatives), or when a
            # layer's call asks for it while autograd records (a physics-informed layer's du/dx, trained
            # through by fit, where TensorFlow's training tape records the inner tape's gradient ops).
            differentiated = any(tape._recording and (tape is not self or self._persistent)
                                 for tape in _RECORDING) or (CALL_CONTEXT.depth > 0 and torch.is_grad_enabled())
            results = torch.autograd.grad(
                connected, [_beneath_wrapper_alias(s) for s in wanted], grad_outputs=seeds, allow_unused=True,
                retain_graph=self._persistent or differentiated or self._graph_still_needed(),
                create_graph=differentiated)
            iterator = iter(results)
            grads = [next(iterator) if ok else None for ok in differentiable]
            if not (self._persistent or differentiated):
                self._release_watched_constants()
        elif not self._persistent:
            self._release_watched_constants()
        if unconnected_gradients in ("zero", getattr(UnconnectedGradients, "ZERO", None)):
            grads = [torch.zeros_like(s) if g is None else g for g, s in zip(grads, flat_sources)]
        if not (CALL_CONTEXT.depth or CALL_CONTEXT.raw):
            from tkeras.backend.eager_tensor import wrap
            grads = [wrap(g) if type(g) is torch.Tensor else g for g in grads]
        return _pack_like(sources, grads)

    def _release_watched_constants(self):
        """Make the constants this used-up tape watched plain tensors again, except those another tape that
        may still answer watches too."""
        others = [tape for tape in list(_RECORDING) + list(self._overlapping) if tape is not self]
        for key, tensor in self._made_differentiable.items():
            if any(key in tape._watched for tape in others) or not tensor.is_leaf:
                continue
            tensor.requires_grad_(False)
            tensor.__dict__.pop("_keras_watched_constant", None)
        self._made_differentiable.clear()

    def _graph_still_needed(self):
        """Whether another tape that recorded alongside this one may still ask for gradients."""
        return any(other._persistent or not other._used for other in self._overlapping)

    def _is_differentiable(self, source):
        if not source.requires_grad:
            return False
        if isinstance(source, torch.nn.Parameter):
            return self._watch_accessed_variables or id(source) in self._watched
        if source.__dict__.get("_keras_watched_constant"):
            return id(source) in self._watched  # another tape's watch does not count here
        return True

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        """d target[i...] / d source[j...], shaped target.shape + source.shape (one backward per element)."""
        flat_sources = tree.flatten(sources)
        was_persistent, self._persistent = self._persistent, True
        try:
            rows = []
            with torch.enable_grad():  # elements of the target stay on the graph under predict's no_grad too
                elements = target.reshape(-1).unbind(0)
            for element in elements:
                self._used = False
                gradients = self.gradient(element, flat_sources, unconnected_gradients=unconnected_gradients)
                rows.append(list(tree.flatten(gradients)))
        finally:
            self._persistent = was_persistent
            self._used = True
        results = []
        for j, source in enumerate(flat_sources):
            column = [row[j] for row in rows]
            if all(g is None for g in column):
                results.append(None)
                continue
            column = [torch.zeros_like(source) if g is None else g for g in column]
            results.append(torch.stack([g.as_subclass(torch.Tensor) for g in column]).reshape(
                tuple(target.shape) + tuple(source.shape)))
        if not (CALL_CONTEXT.depth or CALL_CONTEXT.raw):
            from tkeras.backend.eager_tensor import wrap
            results = [wrap(r) if type(r) is torch.Tensor else r for r in results]
        return _pack_like(sources, results)

    def batch_jacobian(self, target, source, unconnected_gradients="none", parallel_iterations=None,
                       experimental_use_pfor=True):
        """Per-example jacobians, shaped (batch,) + target.shape[1:] + source.shape[1:]: row i of the target
        is taken to depend on row i of the source only, so one backward per target column serves the batch
        (physics-informed layers take du/dx and d2u/dx2 this way inside `call`)."""
        if len(target.shape) < 2 or len(source.shape) < 2 or target.shape[0] != source.shape[0]:
            raise ValueError(f"GradientTape.batch_jacobian: the target and source need rank 2 or more and the same "
                             f"first (batch) dimension; received shapes {tuple(target.shape)} and "
                             f"{tuple(source.shape)}")
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients "
                               "(or jacobians)")
        batch = int(target.shape[0])
        with torch.enable_grad():  # the columns must stay on the graph, as TensorFlow records them on the tape
            columns = target.reshape(batch, -1).unbind(1)
        was_persistent, self._persistent = self._persistent, True
        try:
            rows = []
            for column in columns:
                self._used = False
                rows.append(self.gradient(column, source, unconnected_gradients=unconnected_gradients))
        finally:
            self._persistent = was_persistent
            self._used = True
        if all(g is None for g in rows):
            return None
        rows = [torch.zeros_like(source) if g is None else g for g in rows]
        stacked = torch.stack([g.as_subclass(torch.Tensor) for g in rows], dim=1).reshape(
            tuple(target.shape) + tuple(source.shape[1:]))
        if not (CALL_CONTEXT.depth or CALL_CONTEXT.raw):
            from tkeras.backend.eager_tensor import wrap
            stacked = wrap(stacked)
        return stacked


class UnconnectedGradients:
    NONE = "none"
    ZERO = "zero"


def _output_gradient_seeds(output_gradients, targets):
    """`output_gradients` as autograd seeds: one per target, of the target's shape (checked here, so a
    mismatch names both shapes instead of failing inside autograd)."""
    given = [g for g in tree.flatten(output_gradients)]
    if len(given) != len(targets):
        raise ValueError(
            f"GradientTape.gradient: output_gradients has {len(given)} entries but there are {len(targets)} "
            f"targets; pass one gradient per target, each of its target's shape")
    seeds = []
    for i, (g, t) in enumerate(zip(given, targets)):
        seed = g.detach() if isinstance(g, torch.Tensor) else torch.as_tensor(np.asarray(g))
        seed = seed.to(dtype=t.dtype, device=t.device)
        if tuple(seed.shape) != tuple(t.shape):
            raise ValueError(
                f"GradientTape.gradient: output_gradients[{i}] has shape {tuple(seed.shape)} but its target "
                f"has shape {tuple(t.shape)}; they must match")
        if t.requires_grad:
            seeds.append(seed.as_subclass(torch.Tensor) if type(seed) is not torch.Tensor else seed)
    return seeds


def _pack_like(structure, flat):
    """Gradients in the structure of `sources` (a single source gives a single gradient)."""
    return _rebuild(structure, iter(flat))


def _rebuild(node, gradients):
    # A module-level function, not a recursive closure: a closure that calls itself is a reference
    # cycle, which kept every step's gradients alive until Python's cycle collector ran (a custom
    # loop's memory grew by its weights' size each step, then fell back).
    if isinstance(node, dict):
        return {k: _rebuild(v, gradients) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        items = [_rebuild(v, gradients) for v in node]
        return type(node)(*items) if hasattr(node, "_fields") else type(node)(items)
    return next(gradients)
