"""A model whose weights are split across processes, on torch's DTensor.

The Keras-facing objects stay what they are: each weight remains a tkeras `Variable`, but once a
model is sharded its storage holds only this rank's shard (so `v.shape` is the local shape, and
gradients and optimizer slots, made alike by the optimizer, are shards too). The global view exists
only while the model computes: the model's `call` is wrapped so that, for the length of one forward
pass, every layer sees each of its weights as a `DTensor` built on the local shard
(`DTensor.from_local`, which shares memory and is differentiable), and the inputs as a DTensor split
along the mesh's batch axis. torch's sharding propagation then does the collectives a layer needs;
the outputs come back as this rank's rows of the batch, so losses and metrics run on plain tensors.
In backward, `from_local` hands each shard its own gradient, summed over the batch axis.

Layers that hold no shard are given a `call` that runs them on this rank's plain rows instead (only
Dense/EinsumDense-like layers with split weights need DTensor), see `wrap_layers`.

`full_weights(model)` puts the whole tensors back for the length of a block (saving, `get_weights`)
and, with `reshard=True`, splits whatever was written into them afterwards (loading, `set_weights`).
"""
import contextlib

import torch

from tkeras.utils import tree


class WeightLayout:
    """Where one sharded tensor's pieces live: torch mesh, placements, global shape and stride."""

    __slots__ = ("mesh", "placements", "shape", "stride", "axes")

    def __init__(self, mesh, placements, shape, axes):
        self.mesh = mesh
        self.placements = tuple(placements)
        self.shape = torch.Size(shape)
        self.stride = _contiguous_stride(self.shape)
        self.axes = tuple(axes)

    @property
    def is_sharded(self):
        return any(p.is_shard() for p in self.placements)


def _contiguous_stride(shape):
    stride, step = [], 1
    for size in reversed(shape):
        stride.append(step)
        step *= max(int(size), 1)
    return tuple(reversed(stride))


def placements_for(axes, mesh_axis_names, what):
    """torch placements (one per mesh axis) for a Keras layout (one axis name or None per dimension)."""
    from torch.distributed.tensor import Replicate, Shard
    placements = [Replicate() for _ in mesh_axis_names]
    for dim, axis in enumerate(axes):
        if axis is None:
            continue
        if axis not in mesh_axis_names:
            raise ValueError(f"{what}: layout axis {axis!r} is not an axis of the mesh {tuple(mesh_axis_names)}")
        placements[list(mesh_axis_names).index(axis)] = Shard(dim)
    return placements


def local_piece(full, layout):
    """This rank's piece of `full` (the same tensor on every rank): sliced locally, no communication."""
    from torch.distributed.tensor import distribute_tensor
    piece = distribute_tensor(full.detach(), layout.mesh, layout.placements, src_data_rank=None)
    return piece.to_local().contiguous().clone()


def as_dtensor(local, layout):
    from torch.distributed.tensor import DTensor
    return DTensor.from_local(local, layout.mesh, layout.placements, run_check=False, shape=layout.shape,
                              stride=layout.stride)


def gather_full(local, layout):
    """The whole tensor, on every rank (a collective)."""
    return as_dtensor(local.detach(), layout).full_tensor()


class ShardedModel:
    """The record a distribution keeps on a model it sharded (`model._tkeras_sharding`)."""

    def __init__(self, distribution, model, layouts, holders):
        self.distribution = distribution
        self.model = model
        self.layouts = layouts  # id(tensor) -> (tensor, WeightLayout): weights and optimizer slots
        self.holders = holders  # (variable, [(owner dict, key), ...]): where layers look their weights up
        self.split_batch = False  # set for the steps whose inputs are split along the batch axis

    def layout_of(self, tensor):
        entry = self.layouts.get(id(tensor))
        return entry[1] if entry is not None and entry[0] is tensor else None

    def add_tensor(self, tensor, layout):
        self.layouts[id(tensor)] = (tensor, layout)


def find_holders(model, variables):
    """For each variable, the instance dicts and parameter dicts of layers that reference it."""
    wanted = {id(v): v for v in variables}
    found = {id(v): [] for v in variables}
    for module in model.modules():
        for store in (module.__dict__, module._parameters):
            for key, value in list(store.items()):
                if id(value) in wanted and value is wanted[id(value)]:
                    found[id(value)].append((store, key))
    return [(v, found[id(v)]) for v in variables]


@contextlib.contextmanager
def global_weights(record):
    """Inside: each layer's weight attributes are DTensors over the local shards (one forward pass)."""
    swapped = []
    try:
        for variable, places in record.holders:
            layout = record.layout_of(variable)
            view = as_dtensor(variable, layout)
            for store, key in places:
                swapped.append((store, key, store[key]))
                store[key] = view
        yield
    finally:
        for store, key, original in reversed(swapped):
            store[key] = original


def wrap_layers(record):
    """Give each layer (below the model) a `call` that either runs on the global view or, when none
    of the weights below it is sharded (weightless layers included), on this rank's plain rows with
    plain weights.

    Only layers holding shards need DTensor; the plain path lets every other layer run on its
    ordinary kernels (fused recurrent kernels, reshapes of activations split on a model axis, which
    DTensor has no rule for), at the price of gathering its inputs' model-axis pieces. As in
    DataParallel, the gradients of plain weights are summed over the batch axis (a hook per weight).
    Returns the variables kept plain.
    """
    from tkeras.layers.layer import Layer
    plain, batch_group = [], record.distribution._batch_group()
    for layer in record.model.modules():
        if layer is record.model or not isinstance(layer, Layer) or "call" in layer.__dict__:
            continue
        weights = list(layer.weights)
        local = not any(record.layout_of(w).is_sharded for w in weights if record.layout_of(w) is not None)
        if local:
            plain.extend(w for w in weights if all(w is not p for p in plain))
        layer.__dict__["call"] = (_local_call if local else _global_call)(record, layer, layer.call)
    for variable in plain:
        if batch_group is not None and variable.requires_grad:
            variable.register_hook(lambda grad, group=batch_group: _summed(grad, group))
    return plain


def _summed(grad, group):
    import torch.distributed as dist
    grad = grad.clone()
    dist.all_reduce(grad, group=group)
    return grad


def _local_call(record, layer, call):
    from torch.distributed.tensor import DTensor

    def plain_rows_call(inputs, *args, **kwargs):
        leaves = [t for t in tree.flatten(inputs) if isinstance(t, DTensor)]
        if not leaves:
            return call(inputs, *args, **kwargs)
        placements = record.distribution._data_placements(record.split_batch)
        mesh, rows = leaves[0].device_mesh, leaves[0].shape[0]
        to_rows = lambda t: t.redistribute(mesh, placements).to_local() if isinstance(t, DTensor) else t
        if kwargs.get("mask") is not None:
            kwargs["mask"] = tree.map_structure(to_rows, kwargs["mask"])
        with _named_errors(layer):
            outputs = call(tree.map_structure(to_rows, inputs), *args, **kwargs)

        def to_global(t):
            if not isinstance(t, torch.Tensor) or t.dim() == 0:
                return t
            shape = torch.Size((rows,) + tuple(t.shape[1:]))
            return DTensor.from_local(t, mesh, placements, run_check=False, shape=shape,
                                      stride=_contiguous_stride(shape))

        return tree.map_structure(to_global, outputs)

    return plain_rows_call


def _global_call(record, layer, call):
    from torch.distributed.tensor import DTensor

    def global_view_call(inputs, *args, **kwargs):
        # Inputs arrive whole along the model axes (split on the batch axis only): a kernel split on
        # its columns then gets its gradient as its own columns, where an input split on features
        # would make torch compute a whole kernel-sized gradient and cut it (a weight-sized
        # all-gather per step). Gathering the activations instead is the cheap side.
        placements = record.distribution._data_placements(record.split_batch)
        inputs = tree.map_structure(
            lambda t: t.redistribute(t.device_mesh, placements) if isinstance(t, DTensor) else t, inputs)
        with _named_errors(layer):
            outputs = call(inputs, *args, **kwargs)
            for output in tree.flatten(outputs):
                _check_consistent(output)
            return outputs

    return global_view_call


def _check_consistent(output):
    """A DTensor whose local piece does not have the shape its placements imply: an operator whose
    sharding rule torch gets wrong (seen with convolutions whose kernel is split on filters)."""
    from torch.distributed.tensor import DTensor
    from torch.distributed.tensor._utils import compute_local_shape_and_global_offset
    if not isinstance(output, DTensor):
        return
    expected, _ = compute_local_shape_and_global_offset(output.shape, output.device_mesh, output.placements)
    if tuple(expected) != tuple(output.to_local().shape):
        raise RuntimeError(f"the result's local piece has shape {tuple(output.to_local().shape)} where its layout "
                           f"{tuple(output.placements)} over the global shape {tuple(output.shape)} implies "
                           f"{tuple(expected)}")


@contextlib.contextmanager
def _named_errors(layer):
    """torch's errors on DTensor operands name an aten operator; say which layer, and what to do."""
    try:
        yield
    except (NotImplementedError, RuntimeError) as error:
        if getattr(error, "_tkeras_named", False):
            raise
        named = type(error)(
            f"ModelParallel: layer {layer.name!r} ({type(layer).__name__}) cannot run with the layouts given to its "
            f"weights ({error}). Leave its variables out of the LayoutMap (a layer with no sharded weight runs "
            f"unsharded), or give kernel and bias matching layouts (e.g. (None, ..., 'model') and ('model',)).")
        named._tkeras_named = True
        raise named from error


def wrap_call(record, call):
    """The model's `call`, run on the global view: DTensor inputs in, this rank's plain rows out."""
    from torch.distributed.tensor.experimental import implicit_replication

    def distributed_call(inputs, *args, **kwargs):
        layout_dims = record.distribution._data_placements(record.split_batch)
        with implicit_replication(), global_weights(record):
            global_inputs, scale = _inputs_to_dtensor(inputs, layout_dims, record.distribution)
            outputs = call(global_inputs, *args, **kwargs)
            return tree.map_structure(lambda o: _output_rows(o, layout_dims, scale), outputs)

    return distributed_call


def _inputs_to_dtensor(inputs, placements, distribution):
    """Every tensor leaf as a DTensor split (or not) on the batch axis; also local rows / global rows."""
    from torch.distributed.tensor import DTensor
    scale = [None]

    def convert(leaf):
        if not isinstance(leaf, torch.Tensor) or isinstance(leaf, DTensor) or leaf.dim() == 0:
            return leaf
        local_rows = int(leaf.shape[0])
        global_rows = distribution._global_rows(local_rows, split=any(p.is_shard() for p in placements))
        if scale[0] is None:
            scale[0] = local_rows / max(global_rows, 1)
        shape = torch.Size((global_rows,) + tuple(leaf.shape[1:]))
        mask = getattr(leaf, "_keras_mask", None)
        plain = leaf.as_subclass(torch.Tensor) if type(leaf) is not torch.Tensor else leaf
        out = DTensor.from_local(plain.contiguous(), distribution._torch_mesh(), placements, run_check=False,
                                 shape=shape, stride=_contiguous_stride(shape))
        if mask is not None:
            out._keras_mask = convert(mask)
        return out

    converted = tree.map_structure(convert, inputs)
    return converted, (scale[0] if scale[0] is not None else 1.0)


def _output_rows(output, placements, scale):
    """A DTensor output as this rank's rows (replicated over the other mesh axes), as a plain tensor.

    The gradient flowing back into those rows is scaled by local rows / global rows: every rank's
    loss is a mean over its own rows, and the sum over the batch axis (done by DTensor for replicated
    weights) must give the gradient of the mean over the whole global batch.
    """
    from torch.distributed.tensor import DTensor
    if not isinstance(output, DTensor):
        return output
    extras = {name: getattr(output, name) for name in ("_keras_logits", "_keras_mask") if hasattr(output, name)}
    local = output.redistribute(output.device_mesh, placements).to_local()
    if local.requires_grad and scale != 1.0:
        local.register_hook(lambda grad: grad * scale)
    for name, value in extras.items():
        setattr(local, name, _output_rows(value, placements, scale if name == "_keras_logits" else 1.0)
                if isinstance(value, DTensor) else value)
    return local


@contextlib.contextmanager
def full_weights(model, reshard=False):
    """The model's whole weights (and optimizer slots) for the block; a no-op for an unsharded model.

    Every rank must enter (gathering is a collective). With `reshard=True` the values found in the
    whole tensors at the end of the block (a load, `set_weights`) are split again; otherwise the
    shards are put back as they were.
    """
    record = getattr(model, "_tkeras_sharding", None)
    if record is None:
        yield
        return
    record.distribution._shard_optimizer_state(record)  # slots the optimizer made since sharding
    kept = []
    for tensor, layout in list(record.layouts.values()):
        if not layout.is_sharded:
            continue
        local = tensor.data
        tensor.data = gather_full(local, layout)
        kept.append((tensor, layout, local))
    try:
        yield
    finally:
        for tensor, layout, local in kept:
            tensor.data = local_piece(tensor.data, layout) if reshard else local
    if not reshard:
        # Every rank took part in the save; none goes on (to read the file, say) before rank 0 wrote it.
        import torch.distributed as dist
        dist.barrier()


def distribute_tensor(tensor, layout):
    """Keras' `distribute_tensor`: `tensor` (the same on every rank) as a DTensor laid out per `layout`.

    A symbolic tensor (functional model building), or any call in a single process, returns the
    tensor unchanged, as Keras does where there is nothing to lay out.
    """
    from tkeras.distribute import runtime
    if not isinstance(tensor, torch.Tensor) or not runtime.is_initialized() or runtime.world_size() == 1:
        return tensor
    mesh = _mesh_of(layout, "distribute_tensor")
    placements = placements_for(layout.axes, mesh.axis_names, "distribute_tensor")
    from torch.distributed.tensor import distribute_tensor as torch_distribute
    return torch_distribute(tensor.detach() if not tensor.requires_grad else tensor, mesh.torch_mesh(), placements,
                            src_data_rank=None)


def distribute_variable(value, layout):
    """Keras' backend `distribute_variable`: a Parameter holding `value` laid out per `layout`."""
    distributed = distribute_tensor(torch.as_tensor(value), layout)
    return torch.nn.Parameter(distributed, requires_grad=distributed.is_floating_point())


def _mesh_of(layout, what):
    mesh = getattr(layout, "device_mesh", None)
    if mesh is None:
        raise ValueError(f"{what}: the layout {layout!r} has no device mesh; give TensorLayout(axes, device_mesh)")
    return mesh
