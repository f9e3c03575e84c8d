"""Data-parallel fit/evaluate/predict over torch.distributed (what `torchrun` launches).

Semantics, as Keras 3's `keras.distribution.DataParallel`:

- **One model per process, identical weights.** At the start of fit/evaluate/predict every rank
  takes rank 0's weights (one broadcast); an unbuilt model is built on the first batch first.
- **`batch_size` is the global batch.** Each global batch is split across ranks (see `sharding`);
  the last batch of an epoch may leave some ranks empty-handed, which is handled, not dropped.
- **Gradients are all-reduced, weighted by sample count.** After `loss.backward()` the optimizer's
  update entry points (`step_from_grads`, `apply_gradients`, `apply`) first sum
  `n_rank * grad_rank` and `n_rank` across ranks in one flat all-reduce and divide, so the update
  uses the gradient of the mean loss over the whole global batch: a 2-process run matches a
  1-process run on the same global batches up to float rounding. (Like DDP, this is an average:
  a loss with reduction='sum' gets the per-rank average of sums.) Custom `train_step`s that call
  `self.optimizer.apply(...)` are covered too.
- **Logs are global.** At the end of each epoch / evaluation, metric states (totals, counts,
  confusion counts — every built-in metric's state is additive) are summed across ranks, so History
  and callbacks see the same numbers on every rank; other numeric log entries are averaged.
  Non-trainable float weights (BatchNorm moving statistics) are averaged at each epoch end.
- **Rank 0 prints and writes.** Other ranks run without the progress bar and without the callbacks
  that write files (ModelCheckpoint, CSVLogger, TensorBoard, …, or any callback with
  `chief_only = True`); every rank still runs the others (EarlyStopping decides identically
  everywhere since it sees identical logs).
- **predict returns everything on every rank**, in the original order (outputs are all-gathered).
- **Every rank passes the same full data set**; tkeras does the splitting. With
  `auto_shard_dataset=False` each rank's data is taken as its own shard and `batch_size` as the
  per-rank batch (all ranks must then have the same number of batches).

`train_on_batch`/`test_on_batch` are not distributed: they run on each rank's own batch.
"""
import contextlib

import torch
import torch.distributed as dist

from tkeras.distribute import collectives, runtime
from tkeras.distribute.distribution import Distribution
from tkeras.distribute.sharding import EMPTY_SHARD, ShardedBatches

# Callbacks that write files or print: run on rank 0 only.
CHIEF_ONLY_CALLBACKS = frozenset({"ProgbarLogger", "ModelCheckpoint", "CSVLogger", "TensorBoard", "RemoteMonitor",
                                  "BaseLogger"})
_PATCHED_METHODS = ("step_from_grads", "apply_gradients", "apply")


class DataParallel(Distribution):
    """Replicate the model on every process and split each batch across them (Keras 3's signature;
    a `device_mesh` with several axes uses its first as the batch axis, as Keras does)."""

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True, backend=None):
        super().__init__(device_mesh=device_mesh, auto_shard_dataset=auto_shard_dataset, devices=devices)
        self.devices = devices
        self.backend = backend
        self._local_n = 0
        self._grad_patterns = {}
        self._reducing = False
        self._pending_broadcast = False

    # -- process facts ----------------------------------------------------------------------------
    def _ensure_started(self):
        runtime.initialize(backend=self.backend)

    @property
    def num_replicas_in_sync(self):
        return runtime.world_size()

    @property
    def rank(self):
        return runtime.rank()

    @property
    def is_chief(self):
        return runtime.rank() == 0

    @contextlib.contextmanager
    def scope(self):
        """Make this the distribution of the loops run inside the block (Keras 3 `distribution.scope()`)."""
        previous = _STATE["explicit"]
        set_distribution(self)
        try:
            yield self
        finally:
            _STATE["explicit"] = previous

    # -- fit --------------------------------------------------------------------------------------
    def setup_fit(self, model, train, val, callbacks, verbose):
        self._ensure_started()
        seed = self._check_data("fit", train, need_seed=True)
        train = ShardedBatches(train, runtime.rank(), runtime.world_size(), seed=seed, keep_empty=True,
                               on_batch=self._set_local_n, split=self.auto_shard_dataset)
        if val is not None:
            self._check_data("fit (validation data)", val)
            val = ShardedBatches(val, runtime.rank(), runtime.world_size(), keep_empty=False,
                                 split=self.auto_shard_dataset)
        self._move_to_device(model)
        self._patch_optimizer(model.optimizer)
        self._pending_broadcast = True
        if model.built:
            self._broadcast_state(model)
        return train, val, self._filter_callbacks(callbacks), (verbose if self.is_chief else 0)

    def train_step_fn(self, model):
        """The per-batch call fit makes: the model's train_step, or the empty-shard step."""

        def step(batch):
            if batch is EMPTY_SHARD:
                return self._empty_train_step(model)
            if self._pending_broadcast:
                self._build_on(model, batch)
                self._broadcast_state(model)
            return model.train_step(batch)

        return step

    def epoch_logs(self, model, step_logs):
        self._average_non_trainable(model)
        return self._reduce_logs(model, step_logs)

    def teardown_fit(self, model):
        self._unpatch_optimizer(model.optimizer)
        self._pending_broadcast = False

    def _set_local_n(self, n):
        self._local_n = n

    def _empty_train_step(self, model):
        _join_synchronized_moments(model)
        params = model._trainable_cache()
        for p in params:
            p.grad = None
        model.optimizer.step_from_grads(params)
        for p in model._constrained_cache():
            with torch.no_grad():
                p.copy_(p.constraint(p))
        return {m.name: m.result() for m in model.metrics}

    def _build_on(self, model, batch):
        if not model.built:
            from tkeras.training import data_adapter
            x, _, _ = data_adapter.unpack(batch)
            with torch.no_grad():
                model(x, training=False)
            model._invalidate_caches()

    # -- evaluate / predict -----------------------------------------------------------------------
    def setup_evaluate(self, model, batches, callbacks, verbose, what="evaluate"):
        self._ensure_started()
        self._check_data(what, batches)
        self._move_to_device(model)
        if model.built:
            self._broadcast_state(model)
        batches = ShardedBatches(batches, runtime.rank(), runtime.world_size(), keep_empty=False,
                                 split=self.auto_shard_dataset)
        return batches, self._filter_callbacks(callbacks), (verbose if self.is_chief else 0)

    def evaluation_logs(self, model, step_logs):
        return self._reduce_logs(model, step_logs)

    def setup_predict(self, model, batches, callbacks, verbose):
        return self.setup_evaluate(model, batches, callbacks, verbose, what="predict")

    def gather_predictions(self, batches, outputs):
        """All ranks' per-batch outputs → one structure holding every sample, in the original order."""
        from tkeras.utils import tree
        if not self.auto_shard_dataset:
            order_sizes = None
        else:
            order_sizes = collectives.all_gather_objects(list(batches.local_sizes))
        first = outputs[0]
        leaves_per_batch = [tree.flatten(o) for o in outputs]
        merged_leaves = []
        for i in range(len(leaves_per_batch[0])):
            local = torch.cat([leaves[i] for leaves in leaves_per_batch])
            if local.is_floating_point() and local.dtype in (torch.float16, torch.bfloat16):
                local = local.float()
            per_rank = collectives.all_gather_rows(local)
            merged_leaves.append(_interleave(per_rank, order_sizes))
        return [_unflatten_like(first, merged_leaves)]

    # -- shared pieces ----------------------------------------------------------------------------
    def _check_data(self, what, batches, need_seed=False):
        """Same data on every rank, enough of it: checked with one small all-gather (else a clear error)."""
        world = runtime.world_size()
        facts = _data_facts(batches)
        if need_seed and runtime.rank() == 0:
            # Drawn without advancing the global generator: a model built lazily on the first batch
            # then gets the same initial weights as in a single process with the same seed.
            with torch.random.fork_rng(devices=[]):
                facts["seed"] = int(torch.randint(0, 2 ** 62, (1,)))
        everyone = collectives.all_gather_objects(facts)
        for key, label in (("num_samples", "samples"), ("steps", "batches per epoch")):
            values = [f.get(key) for f in everyone]
            if len(set(values)) > 1:
                listing = ", ".join(f"rank {r}: {v}" for r, v in enumerate(values))
                raise ValueError(
                    f"{what}: the ranks were given data of different sizes ({label}: {listing}). With "
                    f"tkeras.distribute every process must pass the same full data set (tkeras splits each "
                    f"batch across ranks); load the data identically on every rank, or use "
                    f"DataParallel(auto_shard_dataset=False) with per-rank shards of equal length.")
        if self.auto_shard_dataset:
            prints = [f.get("fingerprint") for f in everyone]
            if len(set(prints)) > 1:
                differing = [r for r, p in enumerate(prints) if p != prints[0]]
                raise ValueError(
                    f"{what}: rank(s) {differing} hold different data than rank 0 (same size, different values). Every "
                    f"process must pass the same full data set, in the same order; shuffle with a seed shared "
                    f"by all ranks, or use DataParallel(auto_shard_dataset=False) if you shard it yourself.")
            n = facts.get("num_samples")
            if n is not None and n < world:
                raise ValueError(
                    f"{what}: the data set has {n} sample(s) but there are {world} processes; each rank needs "
                    f"at least one sample. Use more data or fewer processes (torchrun --nproc_per_node).")
            size = facts.get("batch_size")
            if size is not None and size < world and (n is None or size < n):
                raise ValueError(
                    f"{what}: batch_size={size} is the global batch and is smaller than the {world} processes; "
                    f"each rank needs at least one sample per step. Use batch_size >= {world} (ideally a "
                    f"multiple of {world}).")
        return everyone[0].get("seed", 0)

    def _filter_callbacks(self, callbacks):
        if self.is_chief or not callbacks:
            return callbacks
        return [cb for cb in callbacks
                if not getattr(cb, "chief_only", False) and type(cb).__name__ not in CHIEF_ONLY_CALLBACKS]

    def _move_to_device(self, model):
        from tkeras.backend import config
        device = config.device()
        for w in model.parameters():
            if w.device != device:
                model.to(device)
                break

    def _broadcast_state(self, model):
        """Every rank takes rank 0's weights (and optimizer state, if the optimizer already has some)."""
        self._pending_broadcast = False
        tensors = [w for w in model.weights]
        opt_vars = _optimizer_state(getattr(model, "optimizer", None))
        shapes = [tuple(t.shape) for t in tensors] + [tuple(t.shape) for t in opt_vars]
        everyone = collectives.all_gather_objects(shapes)
        if any(s != everyone[0] for s in everyone):
            counts = ", ".join(f"rank {r}: {len(s)} tensors" for r, s in enumerate(everyone))
            raise ValueError(
                f"Model {model.name!r}: the ranks hold differently shaped models ({counts}); every process must "
                f"build the same model (same layers, same input shape) before fit/evaluate/predict.")
        collectives.broadcast_in_place([t.data for t in tensors] + [t.data if hasattr(t, "data") else t
                                                                    for t in opt_vars])

    def _sum_metric_states(self, states):
        collectives.all_reduce_in_place(states)

    def _average_non_trainable(self, model):
        floats = [w for w in model.non_trainable_weights if w.is_floating_point()]
        if floats:
            collectives.all_reduce_in_place([w.data for w in floats])
            with torch.no_grad():
                torch._foreach_div_([w.data for w in floats], float(runtime.world_size()))

    def _reduce_logs(self, model, step_logs):
        metrics = list(model.metrics)
        states = [t for m in metrics for t in _metric_state(m)]
        if states:
            self._sum_metric_states(states)
        names = [m.name for m in metrics]
        results = {m.name: m.result() for m in metrics}
        keys = list(step_logs.keys()) if step_logs is not None else list(names)
        extra = sorted(k for k in keys if k not in results)
        if extra:
            device = states[0].device if states else torch.device("cpu")
            values = torch.stack([torch.as_tensor(step_logs[k], dtype=torch.float64, device=device).float().mean()
                                  .double() for k in extra])
            collectives.all_reduce_in_place([values])
            values = values / runtime.world_size()
            results.update({k: float(v) for k, v in zip(extra, values.tolist())})
        return {k: results[k] for k in keys if k in results}

    # -- the optimizer hook -----------------------------------------------------------------------
    def _patch_optimizer(self, optimizer):
        if optimizer is None or getattr(optimizer, "_tkeras_data_parallel", None) is self:
            return
        for name in _PATCHED_METHODS:
            original = getattr(optimizer, name, None)
            if original is not None:
                object.__setattr__(optimizer, name, self._reducing_wrapper(name, original))
        object.__setattr__(optimizer, "_tkeras_data_parallel", self)

    def _unpatch_optimizer(self, optimizer):
        if optimizer is None or getattr(optimizer, "_tkeras_data_parallel", None) is not self:
            return
        for name in _PATCHED_METHODS + ("_tkeras_data_parallel",):
            optimizer.__dict__.pop(name, None)

    def _reducing_wrapper(self, name, original):
        def step_from_grads(variables):
            variables = list(variables)
            if self._reducing:
                return original(variables)
            self._reducing = True
            try:
                reduced = self.all_reduce_gradients([v.grad for v in variables], variables)
                for v, g in zip(variables, reduced):
                    v.grad = g
                return original(variables)
            finally:
                self._reducing = False

        def apply_gradients(grads_and_vars, *args, **kwargs):
            if self._reducing:
                return original(grads_and_vars, *args, **kwargs)
            pairs = list(grads_and_vars)
            self._reducing = True
            try:
                grads = self.all_reduce_gradients([g for g, _ in pairs], [v for _, v in pairs])
                return original(list(zip(grads, [v for _, v in pairs])), *args, **kwargs)
            finally:
                self._reducing = False

        def apply(grads, trainable_variables=None, *args, **kwargs):
            if self._reducing or trainable_variables is None:
                return original(grads, trainable_variables, *args, **kwargs)
            variables = list(trainable_variables)
            self._reducing = True
            try:
                reduced = self.all_reduce_gradients(list(grads), variables)
                return original(reduced, variables, *args, **kwargs)
            finally:
                self._reducing = False

        return {"step_from_grads": step_from_grads, "apply_gradients": apply_gradients, "apply": apply}[name]

    def all_reduce_gradients(self, grads, variables):
        """Sample-weighted average of `grads` over ranks, in one flat all-reduce per dtype.

        A gradient that is None on this rank stays None (the variable was not used); on a rank that
        got no samples this step, the set of used variables is the one from its previous step.
        """
        key = len(variables)
        if any(g is not None for g in grads):
            pattern = tuple(g is not None for g in grads)
            self._grad_patterns[key] = pattern
        else:
            pattern = self._grad_patterns.get(key, (True,) * len(variables))
        n = float(self._local_n)
        used = [i for i, flag in enumerate(pattern) if flag]
        result = list(grads)
        groups = {}
        for i in used:
            v = variables[i]
            groups.setdefault(v.dtype, []).append(i)
        for dtype, indices in groups.items():
            device = variables[indices[0]].device
            pieces = []
            for i in indices:
                g = grads[i]
                pieces.append(g.reshape(-1) if g is not None else torch.zeros(variables[i].numel(), dtype=dtype,
                                                                             device=device))
            flat = torch.cat(pieces + [torch.ones(1, dtype=dtype, device=device)])
            flat.mul_(n)
            dist.all_reduce(flat)
            total = flat[-1:]
            body = flat[:-1].div_(total.clamp_min(1.0))
            offset = 0
            for i in indices:
                size = variables[i].numel()
                result[i] = body[offset:offset + size].view(variables[i].shape)
                offset += size
        return result


def _metric_state(metric):
    state = getattr(metric, "variables", None)
    if not state:
        state = [v for _, v in sorted(vars(metric).items()) if isinstance(v, torch.Tensor)]
    return [s.data if isinstance(s, torch.nn.Parameter) else s for s in state if isinstance(s, torch.Tensor)]


def _optimizer_state(optimizer):
    if optimizer is None:
        return []
    try:
        state = list(getattr(optimizer, "variables", []) or [])
    except Exception:  # an optimizer whose variables need a build first
        return []
    return [s for s in state if isinstance(s, torch.Tensor)]


def _data_facts(batches):
    facts = {"steps": batches.steps}
    if hasattr(batches, "num_samples"):
        facts["num_samples"] = batches.num_samples
        facts["batch_size"] = batches.batch_size
        facts["fingerprint"] = _fingerprint(batches)
    return facts


def _fingerprint(batches):
    """A cheap summary of the data (a strided sample of rows), to catch ranks holding different data."""
    from tkeras.utils import tree
    parts = []
    for structure in (batches.x, batches.y):
        if structure is None:
            continue
        for leaf in tree.flatten(structure):
            if isinstance(leaf, torch.Tensor) and leaf.ndim > 0:
                stride = max(1, leaf.shape[0] // 256)
                parts.append(round(float(leaf[::stride].double().sum()), 6))
            elif leaf is not None:
                parts.append(hash(tuple(str(v) for v in list(leaf[:: max(1, len(leaf) // 256)]))))
    return tuple(parts)


def _interleave(per_rank, order_sizes):
    if order_sizes is None:
        return torch.cat(per_rank)
    rows, offsets = [], [0] * len(per_rank)
    for b in range(len(order_sizes[0])):
        for r, sizes in enumerate(order_sizes):
            n = sizes[b] if b < len(sizes) else 0
            if n:
                rows.append(per_rank[r][offsets[r]:offsets[r] + n])
                offsets[r] += n
    return torch.cat(rows)


def _unflatten_like(structure, leaves):
    iterator = iter(leaves)

    def rebuild(value):
        if isinstance(value, dict):
            return {k: rebuild(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return type(value)(rebuild(v) for v in value)
        return next(iterator)

    return rebuild(structure)


# -- the process-wide distribution ---------------------------------------------------------------
_STATE = {"explicit": None, "auto": None}


def set_distribution(value):
    """Run every later fit/evaluate/predict under `value` (DataParallel, ModelParallel), or none (None)."""
    if value is not None and not isinstance(value, DataParallel):
        raise TypeError(f"set_distribution expects a keras.distribution.DataParallel or ModelParallel, or None, "
                        f"received {value!r}")
    _STATE["explicit"] = value


def distribution():
    """The distribution set explicitly (Keras 3 `keras.distribution.distribution()`), or None."""
    return _STATE["explicit"]


def current_distribution():
    """What the loops run under: the explicit distribution, or one made for a torchrun launch.

    None on a single process (a DataParallel/MirroredStrategy set in a plain `python train.py` run
    included), so a script runs unchanged whether launched by python or torchrun.
    """
    if not runtime.launched_by_torchrun() and not runtime.is_initialized():
        return None
    chosen = _STATE["explicit"]
    if chosen is None:
        if _STATE["auto"] is None:
            _STATE["auto"] = DataParallel()
        chosen = _STATE["auto"]
    chosen._ensure_started()
    if runtime.world_size() <= 1:
        return None
    return chosen


def _join_synchronized_moments(model):
    """A rank without rows still takes part in the global-batch moments of synchronized
    BatchNormalization layers: a forward and backward pass over zero rows matches the other ranks'
    all-reduces (forward and backward), adds nothing to them and moves its moving statistics with
    theirs."""
    from tkeras import tree
    from tkeras.backend import config
    from tkeras.layers.normalization.batch_normalization import BatchNormalization
    if not any(isinstance(layer, BatchNormalization) and layer.synchronized for layer in model.modules()):
        return
    inputs = getattr(model, "inputs", None)
    if not inputs or any(d is None for t in inputs for d in tuple(t.shape)[1:]):
        raise RuntimeError(
            f"A rank received no rows of the last batch, and {model.name!r} normalizes over the global batch "
            f"(synchronized BatchNormalization) without input shapes to run an empty step with; give the model "
            f"an Input with a fixed shape, or make the sample count a multiple of the number of processes")
    empty = [torch.zeros((0,) + tuple(t.shape)[1:], dtype=config.standardize_dtype(t.dtype)) for t in inputs]
    outputs = model(empty[0] if len(empty) == 1 else empty, training=True)
    total = sum(output.sum() for output in tree.flatten(outputs))
    if total.requires_grad:
        total.backward()

