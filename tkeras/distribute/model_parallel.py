"""Keras 3's `ModelParallel`: weights split across processes per a `LayoutMap`, the batch split on one axis.

Semantics, as Keras 3 (on JAX) gives them, run on torch.distributed and DTensor:

- **Weights are placed by the layout map.** At the first fit/evaluate/predict (the model built on
  the first batch if needed) every rank takes rank 0's weights, then keeps only its piece of each
  variable whose path matches a key of the `LayoutMap` (regexes over `model.name/layer/weight`
  and tkeras' own `layer/weight`); other variables are replicated. From then on a rank's storage
  for a sharded weight is its shard, and so are its gradient and its optimizer slots: the
  optimizer's element-wise updates run on shards unchanged. See `sharded_weights` for how layers
  see whole weights during a forward pass.
- **The batch is split on `batch_dim_name`.** In `fit` the ranks along the batch axis take
  `torch.chunk`-style pieces of each global batch (ranks along the other axes take the same piece);
  each piece's gradient is weighted by its share of the batch, so the update is the one a single
  process computes on the whole batch. evaluate and predict run every batch whole on every rank
  (so all ranks return all predictions and identical logs).
- **Saving gathers.** `model.save`/`save_weights`, `get_weights` and checkpoints gather the shards
  (every rank takes part; rank 0 writes an ordinary file); `load_weights`/`set_weights` re-shard.
  Checkpoint callbacks therefore run on every rank (only rank 0 writes).

- **Only layers holding shards compute on DTensor.** Every other layer (recurrent layers on their
  fused kernels, Dropout, Flatten, layers left out of the layout map) runs on plain tensors, its
  inputs gathered along the model axes (see `sharded_weights.wrap_layers`).

Not covered: gradient clipping by global norm, and norm constraints or regularizer values across
shards, see each shard alone; after sharding, `v.shape`, `count_params()` and `summary()` report
this rank's shard; a layer DTensor cannot run with its layouts (torch 2.13 gets Conv2D split on
filters wrong) fails with an error naming the layer.
"""
import torch
import torch.distributed as dist

from tkeras.distribute import collectives, runtime, sharded_weights
from tkeras.distribute.data_parallel import CHIEF_ONLY_CALLBACKS, DataParallel
from tkeras.distribute.mesh import LayoutMap
from tkeras.distribute.sharding import EMPTY_SHARD, ShardedBatches, chunk_bounds

# Callbacks that save the model must run on every rank under ModelParallel: saving gathers shards.
_GATHERING_CALLBACKS = frozenset({"ModelCheckpoint", "BackupAndRestore"})


class ModelParallel(DataParallel):
    """Shard variables over a `DeviceMesh` as a `LayoutMap` says, and split batches on `batch_dim_name`."""

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kwargs):
        kwargs.pop("device_mesh", None)
        backend = kwargs.pop("backend", None)
        if kwargs:
            raise TypeError(f"ModelParallel: unexpected keyword argument(s) {sorted(kwargs)}")
        if layout_map is None:
            raise ValueError("ModelParallel: pass layout_map=keras.distribution.LayoutMap(device_mesh)")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(f"ModelParallel: layout_map must be a keras.distribution.LayoutMap, received "
                             f"{type(layout_map).__name__} {layout_map!r}")
        mesh = layout_map.device_mesh
        if batch_dim_name is not None and batch_dim_name not in mesh.axis_names:
            raise ValueError(f"ModelParallel: batch_dim_name={batch_dim_name!r} is not an axis of the mesh "
                             f"{mesh.axis_names}")
        super().__init__(device_mesh=mesh, auto_shard_dataset=auto_shard_dataset, backend=backend)
        self._batch_dim_name = batch_dim_name or mesh.axis_names[0]
        self._layout_map = layout_map
        self._batches = None

    @property
    def layout_map(self):
        return self._layout_map

    def get_variable_layout(self, variable):
        layout = getattr(variable, "_layout", None)
        if layout is not None:
            return layout
        for path in _paths_of(variable, getattr(variable, "_tkeras_model_name", None)):
            layout = self._layout_map[path]
            if layout is not None:
                return layout
        return super().get_variable_layout(variable)

    def get_tensor_layout(self, path):
        return self._layout_map[path]

    # -- the mesh as torch sees it ----------------------------------------------------------------
    def _torch_mesh(self):
        return self.device_mesh.torch_mesh()

    def _batch_axis(self):
        return self.device_mesh.axis_names.index(self.batch_dim_name)

    def _data_placements(self, split):
        from torch.distributed.tensor import Replicate, Shard
        batch = self._batch_axis()
        return [Shard(0) if (split and axis == batch) else Replicate() for axis in range(len(self.device_mesh.shape))]

    def _batch_group(self):
        """The process group of this rank's batch axis (None when that axis has one device)."""
        if self.num_model_replicas == 1:
            return None
        return self._torch_mesh().get_group(self.batch_dim_name)

    def _global_rows(self, local_rows, split):
        if not split or self.num_model_replicas == 1:
            return local_rows
        return self._batches.global_size

    # -- fit --------------------------------------------------------------------------------------
    def setup_fit(self, model, train, val, callbacks, verbose):
        self._ensure_started()
        seed = self._check_data("fit", train, need_seed=True)
        replicas = self.num_model_replicas
        self._check_batches_cover_the_batch_axis(train, replicas)
        coordinate = self._torch_mesh().get_local_rank(self.batch_dim_name)
        train = ShardedBatches(train, coordinate, replicas, seed=seed, keep_empty=True,
                               split=self.auto_shard_dataset, bounds=chunk_bounds)
        self._batches = train
        if val is not None:
            self._check_data("fit (validation data)", val)
        self._move_to_device(model)
        if model.built:
            self._shard(model)
        return train, val, self._filter_callbacks(callbacks), (verbose if self.is_chief else 0)

    def train_step_fn(self, model):
        def step(batch):
            if batch is EMPTY_SHARD:  # excluded up front for arrays; a stream's short batch ends here
                raise ValueError(
                    f"fit: a global batch of {self._batches.global_size} sample(s) cannot give each of the "
                    f"{self.num_model_replicas} ranks of the '{self.batch_dim_name}' axis a sample; use batches "
                    f"of at least {self.num_model_replicas} samples")
            if getattr(model, "_tkeras_sharding", None) is None:
                self._build_on(model, batch)
                self._shard(model)
            record = model._tkeras_sharding
            record.split_batch = self.auto_shard_dataset
            try:
                return model.train_step(batch)
            finally:
                record.split_batch = False

        return step

    def teardown_fit(self, model):
        self._batches = None

    def _check_batches_cover_the_batch_axis(self, batches, replicas):
        if replicas == 1 or not self.auto_shard_dataset or not hasattr(batches, "num_samples"):
            return
        n, size = batches.num_samples, batches.batch_size
        for global_rows in sorted({min(size, n)} | ({n % size} if n % size else set())):
            start, stop = chunk_bounds(global_rows, replicas, replicas - 1)  # the last rank's piece
            if stop <= start:
                raise ValueError(
                    f"fit: with {n} samples in global batches of {size}, a batch of {global_rows} sample(s) "
                    f"leaves a rank of the '{self.batch_dim_name}' axis ({replicas} ranks) without samples; "
                    f"ModelParallel needs every such rank to get part of every batch. Choose a batch_size "
                    f"(and a sample count) whose batches split into {replicas} non-empty pieces.")

    # -- evaluate / predict: every rank runs every batch whole ------------------------------------
    def setup_evaluate(self, model, batches, callbacks, verbose, what="evaluate"):
        self._ensure_started()
        self._check_data(what, batches)
        self._move_to_device(model)
        if model.built:
            self._shard(model)
        else:
            batches = _BuildOnFirstBatch(batches, lambda batch: (self._build_on(model, batch), self._shard(model)))
        return batches, self._filter_callbacks(callbacks), (verbose if self.is_chief else 0)

    def evaluation_logs(self, model, step_logs):
        return step_logs

    def gather_predictions(self, batches, outputs):
        return outputs

    # -- logs -------------------------------------------------------------------------------------
    def _sum_metric_states(self, states):
        # Ranks along the model axes saw the same rows: summing over all ranks counts each row that
        # many times, so divide by it.
        collectives.all_reduce_in_place(states)
        copies = runtime.world_size() // self.num_model_replicas
        if copies > 1:
            with torch.no_grad():
                torch._foreach_div_(states, float(copies))

    def _average_non_trainable(self, model):
        if self.num_model_replicas == 1:
            return
        group = self._torch_mesh().get_group(self.batch_dim_name)
        floats = [w for w in model.non_trainable_weights if w.is_floating_point()]
        for w in floats:
            dist.all_reduce(w.data, group=group)
            w.data.div_(float(self.num_model_replicas))

    def _filter_callbacks(self, callbacks):
        if self.is_chief or not callbacks:
            return callbacks
        chief_only = CHIEF_ONLY_CALLBACKS - _GATHERING_CALLBACKS
        return [cb for cb in callbacks if type(cb).__name__ in _GATHERING_CALLBACKS or (
            not getattr(cb, "chief_only", False) and type(cb).__name__ not in chief_only)]

    # -- placing the weights ----------------------------------------------------------------------
    def _shard(self, model):
        """Keep this rank's piece of each weight (and optimizer slot) per the layout map; once."""
        record = getattr(model, "_tkeras_sharding", None)
        if record is not None:
            if record.distribution is not self:
                raise ValueError(f"Model {model.name!r} is already sharded by another distribution; build a new "
                                 f"model (or load it from a file) under this one")
            return
        self._broadcast_state(model)
        record = sharded_weights.ShardedModel(self, model, {}, [])
        for variable in model.weights:
            layout = self._layout_of(variable, model)
            if layout.is_sharded:
                variable.data = sharded_weights.local_piece(variable.data, layout)
            record.add_tensor(variable, layout)
        self._shard_optimizer_state(record)
        plain = sharded_weights.wrap_layers(record)
        record.holders = sharded_weights.find_holders(
            model, [v for v in model.weights if all(v is not p for p in plain)])
        _install(model, record)

    def _layout_of(self, variable, model):
        variable._tkeras_model_name = model.name
        keras_layout = self.get_variable_layout(variable)
        axes = tuple(keras_layout.axes)
        path = getattr(variable, "path", "?")
        if len(axes) != variable.dim():
            raise ValueError(f"ModelParallel: the layout {axes} for variable {path!r} has {len(axes)} entries but the "
                             f"variable has shape {tuple(variable.shape)} ({variable.dim()} dimensions); give one "
                             f"mesh axis name or None per dimension")
        for dim, axis in enumerate(axes):
            if axis is not None and variable.shape[dim] < self.device_mesh.axis_size(axis):
                raise ValueError(f"ModelParallel: variable {path!r} of shape {tuple(variable.shape)} cannot be split "
                                 f"along dimension {dim} over the {self.device_mesh.axis_size(axis)} devices of mesh "
                                 f"axis {axis!r}")
        placements = sharded_weights.placements_for(axes, self.device_mesh.axis_names, f"variable {path!r}")
        return sharded_weights.WeightLayout(self._torch_mesh(), placements, variable.shape, axes)

    def _shard_optimizer_state(self, record):
        """Slots the optimizer already holds (a second fit, a loaded optimizer) are split like their
        variables; slots made later are made from the shards and are shards already."""
        optimizer = getattr(record.model, "optimizer", None)
        index_of = getattr(optimizer, "_index_of", None)
        if not index_of:
            return
        for variable, layout in [entry for entry in record.layouts.values()]:
            index = index_of.get(id(variable))
            if index is None:
                continue
            for slots in list(optimizer._slots.values()) + [getattr(optimizer, "_averages", None) or []]:
                slot = slots[index] if index < len(slots) else None
                if slot is None or record.layout_of(slot) is not None:
                    continue
                if layout.is_sharded and tuple(slot.shape) == tuple(layout.shape):
                    slot.data = sharded_weights.local_piece(slot.data, layout)
                record.add_tensor(slot, layout)
        optimizer._plans.clear()


def _paths_of(variable, model_name):
    path = str(getattr(variable, "path", "") or getattr(variable, "name", ""))
    return [f"{model_name}/{path}", path] if model_name else [path]


def _install(model, record):
    """Wrap the model's call (global view) and its whole-weight accessors (gather, re-shard)."""
    call = model.call
    get_weights, set_weights = model.get_weights, model.set_weights

    def gathered_get_weights():
        with sharded_weights.full_weights(model):
            return get_weights()

    def resharding_set_weights(weights):
        with sharded_weights.full_weights(model, reshard=True):
            return set_weights(weights)

    model.__dict__["_tkeras_sharding"] = record
    model.__dict__["call"] = sharded_weights.wrap_call(record, call)
    model.__dict__["get_weights"] = gathered_get_weights
    model.__dict__["set_weights"] = resharding_set_weights
    model._invalidate_caches()


class _BuildOnFirstBatch:
    """Batches that call `hook(batch)` once, before the first one is handed out (lazy model build)."""

    def __init__(self, base, hook):
        self.base = base
        self.hook = hook

    def __getattr__(self, name):
        if name in ("base", "hook"):
            raise AttributeError(name)
        return getattr(self.base, name)

    def epoch(self):
        for batch in self.base.epoch():
            if self.hook is not None:
                self.hook(batch)
                self.hook = None
            yield batch
