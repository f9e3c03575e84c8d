"""The precomputed layout of one optimizer update, and gradient clipping, over whole lists at once.

`torch._foreach_*` kernels take lists of tensors that share a device and dtype. The first update for a
given set of variables sorts them into such groups and gathers, per group, the matching optimizer
slots (momentums, velocities...) and the variables that take weight decay. Later updates with the
same variables reuse that plan, so the per-step Python work is a handful of calls per group, however
many variables the model has.

Clipping follows Keras 3: `clipnorm` rescales each gradient to at most that L2 norm, `global_clipnorm`
rescales all of them by one factor so their joint norm is at most that, `clipvalue` clamps each
element. Norms stay on the device (no host read).
"""
import torch


class Group:
    """Variables of one (device, dtype) and their optimizer slots, in matching order."""

    __slots__ = ("params", "positions", "slots", "decayed", "ema", "dense", "_strides", "_scratch")

    def __init__(self, params, positions, slots, decayed, ema):
        self.params = params
        self.positions = positions  # indices into the step's gradient list; None when it is one group
        self.slots = slots  # slot name -> list of slot Variables, parallel to params
        self.decayed = decayed  # the params weight decay applies to (all of them, some, or none)
        self.ema = ema  # moving averages parallel to params, or None
        # Read once: asking a Parameter subclass per step costs ~150 ns a variable. `dense`: every
        # param and slot covers its memory without gaps or overlaps, each slot laid out as its param
        # (a convolution kernel is stored permuted, see layers/convolutional/base_conv.py), so an
        # element-wise kernel may walk them all as flat arrays, given gradients laid out the same.
        self.dense = all(_dense(p) and all(s[i] is None or s[i].stride() == p.stride() for s in slots.values())
                         for i, p in enumerate(params))
        self._strides = [None if p.is_contiguous() else p.stride() for p in params]
        self._scratch = None

    def grads_match(self, grads):
        """Whether `grads` are laid out as the params (contiguous, or in a dense param's strides):
        not so for an expanded gradient (autograd.grad of a sum has stride 0) or a transposed one."""
        return all(map(_laid_out, grads, self._strides))

    def laid_out_as_params(self, grads):
        """`grads` ready for a kernel that walks raw memory: any not laid out as its param (a narrow
        Dense head's kernel gradient arrives transposed from `autograd.grad`, an expanded one has
        stride 0) is copied into its param's layout; the caller's tensors are left as they are. One
        copy of the odd ones costs less than running the whole group through foreach calls."""
        if self.grads_match(grads):
            return grads
        return [g if _laid_out(g, strides) else torch.empty_like(p, memory_format=torch.preserve_format).copy_(g)
                for g, p, strides in zip(grads, self.params, self._strides)]

    def scratch(self):
        """Tensors shaped like the params, kept from one update to the next for an update's
        intermediate values: a fresh megabyte-sized tensor per step is a fresh mapping whose pages
        fault in one by one (RMSprop's `v + eps` took 0.30 ms a step for an MNIST MLP, 0.15 ms
        written into a kept buffer). They start as zeros, so that a kernel reading one before writing
        it (RMSprop's fused path, `beta * m + (1 - beta) * g` with beta = 0) never meets a NaN."""
        if self._scratch is None:
            self._scratch = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        return self._scratch

    def grads_of(self, grads):
        return grads if self.positions is None else [grads[i] for i in self.positions]


def _laid_out(grad, strides):
    """Whether `grad` has its param's layout: contiguous (`strides` None) or those strides."""
    return grad.is_contiguous() if strides is None else grad.stride() == strides


def _dense(tensor):
    """Non-overlapping and dense: a permutation of a contiguous tensor."""
    if tensor.is_contiguous():
        return True
    order = sorted(range(tensor.dim()), key=lambda d: (tensor.stride(d), tensor.shape[d]), reverse=True)
    return tensor.permute(order).is_contiguous()


def make_groups(variables, slot_lists, index_of, decays, averages):
    """Groups for `variables` (in update order). `slot_lists` maps slot names to per-built-variable
    lists, `index_of` maps id(variable) to its build index, `decays(variable)` says whether weight
    decay applies, `averages` is the EMA list (or None)."""
    by_kind = {}
    for position, variable in enumerate(variables):
        by_kind.setdefault((variable.device, variable.dtype), []).append(position)
    groups = []
    for positions in by_kind.values():
        params = [variables[p] for p in positions]
        indices = [index_of[id(v)] for v in params]
        slots = {name: [slots_[i] for i in indices] for name, slots_ in slot_lists.items()}
        decayed = [v for v in params if decays(v)]
        ema = [averages[i] for i in indices] if averages is not None else None
        groups.append(Group(params, None if len(by_kind) == 1 else positions, slots, decayed, ema))
    return groups


def clip_gradients(grads, clipnorm=None, global_clipnorm=None, clipvalue=None, owned=True):
    """Clipped gradients, as Keras 3 clips them. `owned` says the list's tensors may be overwritten
    (the fit loop's `.grad`s); otherwise new tensors are returned and the caller's are left alone."""
    if clipnorm:
        by_kind = _split(grads)
        result = list(grads)
        for positions in by_kind:
            part = [grads[i] for i in positions]
            # scale = clipnorm / max(norm, clipnorm): 1 for gradients already short enough.
            scales = torch._foreach_norm(part)
            torch._foreach_clamp_min_(scales, clipnorm)
            torch._foreach_reciprocal_(scales)
            torch._foreach_mul_(scales, clipnorm)
            if owned:
                torch._foreach_mul_(part, scales)
            else:
                part = torch._foreach_mul(part, scales)
            for i, g in zip(positions, part):
                result[i] = g
        return result
    if global_clipnorm:
        by_kind = _split(grads)
        device = grads[0].device
        norms = [torch.stack(torch._foreach_norm([grads[i] for i in positions])) for positions in by_kind]
        # Summed in at least float32 (half-precision squares overflow), in float64 for float64 gradients.
        wide = torch.float64 if any(n.dtype == torch.float64 for n in norms) else torch.float32
        squares = [n.to(device=device, dtype=wide).square().sum() for n in norms]
        total = (squares[0] if len(squares) == 1 else torch.stack(squares).sum()).sqrt()
        # Keras adds (total - total) so that an inf/NaN norm poisons the update instead of zeroing it.
        scale = global_clipnorm / torch.clamp_min(total, global_clipnorm) + (total - total)
        result = list(grads)
        for positions in by_kind:
            part = [grads[i] for i in positions]
            factor = scale.to(device=part[0].device, dtype=part[0].dtype)
            if owned:
                torch._foreach_mul_(part, factor)
            else:
                part = torch._foreach_mul(part, factor)
            for i, g in zip(positions, part):
                result[i] = g
        return result
    if clipvalue:
        if not owned:
            grads = torch._foreach_clamp_min(grads, -clipvalue)
        else:
            torch._foreach_clamp_min_(grads, -clipvalue)
        torch._foreach_clamp_max_(grads, clipvalue)
        return grads
    return grads


def _split(tensors):
    """Positions of `tensors` grouped by (device, dtype), as foreach kernels need them."""
    first = tensors[0]
    if all(t.device == first.device and t.dtype == first.dtype for t in tensors):
        return [range(len(tensors))]
    by_kind = {}
    for i, t in enumerate(tensors):
        by_kind.setdefault((t.device, t.dtype), []).append(i)
    return list(by_kind.values())
