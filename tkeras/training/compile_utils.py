"""What `compile(loss=..., metrics=..., loss_weights=...)` turns into: callables over model outputs.

Strings are resolved lazily, on the first batch, because 'accuracy' means binary, categorical or
sparse accuracy depending on the loss and the output shape, as in Keras.
"""

from tkeras.utils import tree


def _output_names(model, y_pred):
    """One name per output, in the order the lists given to compile() are matched: a dict of outputs by
    sorted key (Keras 3 and tf-keras 2 flatten dicts so), otherwise the model's `output_names`."""
    if isinstance(y_pred, dict):
        return sorted(y_pred)
    names = list(getattr(model, "output_names", None) or [])
    count = len(tree.flatten(y_pred))
    if len(names) != count:
        names = [f"output_{i + 1}" for i in range(count)] if count > 1 else ["output"]
    return names


def _per_output(spec, names, what):
    """A loss/metric/weight spec given once, as a list, or as a dict by output name -> one per output."""
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(f"compile: {what} names unknown output(s) {sorted(unknown)}; the model's outputs "
                             f"are {names}")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and len(names) > 1 and what != "metrics":
        if len(spec) != len(names):
            raise ValueError(f"compile: {what} has {len(spec)} entries but the model has {len(names)} outputs {names}")
        return list(spec)
    return [spec] * len(names)


def _resolve_loss(identifier):
    from tkeras import losses
    if identifier is None:
        return None
    loss = losses.get(identifier)
    if isinstance(loss, losses.Loss):
        return loss
    return losses.LossFunctionWrapper(loss, name=getattr(loss, "__name__", "loss"))


class CompileLoss:
    def __init__(self, loss, loss_weights=None):
        self._spec = loss
        self._loss_weights = loss_weights
        self._losses = None
        self.output_names = None
        self.per_output_trackers = None
        self._trackers_by_output = None
        self._unwrap_single = False
        self._partial = False
        self._model = None
        self._total_tracker = None

    def attach(self, model, total_tracker):
        """The model and its "loss" tracker, for Keras 2 train steps that call compiled_loss(...) directly."""
        self._model = model
        self._total_tracker = total_tracker

    def build(self, model, y_pred):
        from tkeras.metrics import Mean
        names = _output_names(model, y_pred)
        self.output_names = names
        self._losses = [_resolve_loss(spec) for spec in _per_output(self._spec, names, "loss")]
        if self._loss_weights is None:
            self._weights = [1.0] * len(names)
        else:
            self._weights = [1.0 if w is None else float(w) for w in _per_output(self._loss_weights, names, "loss_weights")]
        self._unwrap_single = len(names) == 1 and isinstance(y_pred, (list, tuple))
        self._partial = sum(loss is not None for loss in self._losses) < len(names)
        if len(names) > 1:
            trackers = [Mean(name=f"{n}_loss") if loss is not None else None for n, loss in zip(names, self._losses)]
            self._trackers_by_output = trackers
            # Logged in the order the model's dict of outputs was written (Keras 3), though matched sorted.
            # Outputs of one layer share its name (an RNN's states): each keeps its own tracker, and the
            # logs, keyed by name, show the last one's, as Keras 3's do.
            order = [names.index(n) for n in y_pred] if isinstance(y_pred, dict) else range(len(names))
            self.per_output_trackers = [trackers[i] for i in order if trackers[i] is not None]
        self.resolved = list(self._losses)

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        """Keras 2's `self.compiled_loss(y, y_pred, regularization_losses=self.losses)`: the total loss,
        recorded in the model's "loss" metric as Keras 2 did."""
        if self.output_names is None:
            self.build(self._model, y_pred)
        loss = self.compute(y_true, y_pred, sample_weight)
        if regularization_losses:
            extra = sum(regularization_losses)
            loss = extra if loss is None else loss + extra
        if loss is not None and self._total_tracker is not None:
            # Weighted by the batch's size, as tf-keras 2 did: a smaller last batch counts for less.
            self._total_tracker.update_state(loss.detach(), sample_weight=_batch_size(y_pred))
        return loss

    def compute(self, y_true, y_pred, sample_weight=None):
        if len(self.output_names) == 1:
            if self._unwrap_single:  # Model(inputs, [t]): one output, handed out as a one-element list
                y_pred, y_true = _only_element(y_pred), _only_element(y_true)
            y_true = _single_target(y_true, self.output_names[0])
            loss = self._losses[0]
            if loss is None:
                return None
            if y_true is None:
                raise ValueError(_missing_targets(loss))
            value = loss(y_true, y_pred, sample_weight=sample_weight)
            return value * self._weights[0] if self._weights[0] != 1.0 else value
        if all(loss is None for loss in self._losses):
            return None  # compiled without a loss: only add_loss terms count, and no y is needed
        trues, preds = _targets_and_predictions(y_true, y_pred, self.output_names)
        trues = self.one_target_for_every_output(y_true, trues, len(preds))
        weights = self.weights_per_output(sample_weight, len(trues))
        if len(trues) != len(preds):
            trues = self._targets_for_defined_losses(trues, len(preds))
        total = None
        batch_size = _batch_size(preds)  # each output's mean loss counts once per sample, as in Keras
        for loss, w, yt, yp, sw, tracker in zip(self._losses, self._weights, trues, preds, weights,
                                                self._trackers_by_output):
            if loss is None or yt is None:
                continue
            value = loss(yt, yp, sample_weight=sw)
            tracker.update_state(value.detach(), sample_weight=batch_size)
            total = value * w if total is None else total + value * w
        return total

    def one_target_for_every_output(self, y_true, trues, output_count):
        """One array of targets for a model with several outputs, each with a loss: tf-keras 2 scored every
        output against it (keras-io's semantic image clustering); Keras 3 refuses."""
        if output_count > 1 and len(trues) == 1 and not self._partial and hasattr(y_true, "shape"):
            return trues * output_count
        return trues

    def weights_per_output(self, sample_weight, target_count):
        """One sample-weight array (or None) per output, for the losses and the metrics alike.

        A list must hold one entry per output, as Keras 3 requires (a shorter one would leave outputs
        unweighted, or unscored, without a word), or one per given target when y holds only the
        outputs that have a loss. A single array serves every output; a dict is matched by name."""
        names = self.output_names
        if isinstance(sample_weight, dict):
            return [sample_weight.get(n) for n in names]
        if not isinstance(sample_weight, (list, tuple)):
            return [sample_weight] * len(names)
        if len(sample_weight) == len(names):
            return list(sample_weight)
        if self._partial and len(sample_weight) == target_count:
            return self._targets_for_defined_losses(list(sample_weight), len(names))
        raise ValueError(
            f"sample_weight holds {len(sample_weight)} array(s) but the model has {len(names)} outputs "
            f"{names}: pass one sample_weight array per output (None for an output that is not weighted), "
            f"or a single array to weigh every output alike")

    def _targets_for_defined_losses(self, trues, output_count):
        """`loss=[None, "mse"]` with y for the outputs that have a loss only: Keras 3 hands the targets, in
        order, to those outputs."""
        defined = [i for i, loss in enumerate(self._losses) if loss is not None]
        if not self._partial or len(trues) != len(defined):
            raise ValueError(f"The model has {output_count} outputs {self.output_names} but y holds {len(trues)} "
                             f"arrays (compile()'s loss is defined for {len(defined)} of them)")
        placed = [None] * output_count
        for index, target in zip(defined, trues):
            placed[index] = target
        return placed


def _batch_size(y_pred):
    """How many samples a loss tracker counts the batch's mean loss for (None: once, for a scalar output)."""
    shape = getattr(tree.flatten(y_pred)[0], "shape", ())
    return int(shape[0]) if len(shape) else None


def _only_element(value):
    return value[0] if isinstance(value, (list, tuple)) and len(value) == 1 else value


def _missing_targets(loss):
    name = getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__
    return (f"The model was compiled with loss {name!r}, which compares the predictions with targets, but "
            f"no targets were given (y is None). Pass y to fit()/evaluate() (or yield (x, y) pairs), or "
            f"compile with loss=None when the model adds its own losses with add_loss()")


class CompileMetrics:
    """compile()'s `metrics` and `weighted_metrics`, per output.

    As in Keras (2 and 3), the `metrics` entries ignore sample weights (and so class weights): they
    report the plain average over the samples, while `weighted_metrics` entries weigh each sample. A
    weighted metric whose name an unweighted one of the same output already has is renamed
    `weighted_<name>` (`metrics=["mae"], weighted_metrics=["mae"]` logs `mae` and `weighted_mae`).
    """

    def __init__(self, metrics, weighted_metrics=None):
        self._spec = metrics
        self._weighted_spec = weighted_metrics
        self.metrics_per_output = None
        self._weighted_per_output = None
        self.built = False
        self._model = None
        self._compile_loss = None

    def attach(self, model, compile_loss):
        self._model = model
        self._compile_loss = compile_loss

    def build(self, model, y_true, y_pred, compile_loss):
        names = compile_loss.output_names
        preds = tree.flatten(y_pred if not isinstance(y_pred, dict) else [y_pred[n] for n in names])
        plain_per_output = _entries_per_output(self._spec, names)
        weighted_per_output = _entries_per_output(self._weighted_spec, names)
        target_shapes = _target_shapes(y_true, names)
        resolved, weighted_flags = [], []
        for i, name in enumerate(names):
            loss = compile_loss.resolved[i] if compile_loss.resolved else None
            shape = tuple(preds[i].shape) if i < len(preds) else None
            target = target_shapes[i] if i < len(target_shapes) else None
            plain = [_resolve_metric(entry, loss, shape, target) for entry in plain_per_output[i]]
            weighted = [_resolve_metric(entry, loss, shape, target) for entry in weighted_per_output[i]]
            resolved.append(plain + weighted)
            weighted_flags.append([False] * len(plain) + [True] * len(weighted))
        _name_as_keras_logs(resolved, weighted_flags, names if len(names) > 1 else _declared_outputs(model, names))
        self.metrics_per_output = resolved
        self._weighted_per_output = weighted_flags
        self.built = True

    @property
    def metrics(self):
        return [m for ms in (self.metrics_per_output or []) for m in ms]

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.built:  # a Keras 2 train step calling compiled_metrics.update_state first
            if self._compile_loss.output_names is None:
                self._compile_loss.build(self._model, y_pred)
            self.build(self._model, y_true, y_pred, self._compile_loss)
        if len(self.metrics_per_output) == 1:
            if self._compile_loss._unwrap_single:
                y_pred, y_true = _only_element(y_pred), _only_element(y_true)
            y_true = _single_target(y_true, self._compile_loss.output_names[0])
            _update(self.metrics_per_output[0], self._weighted_per_output[0], y_true, y_pred, sample_weight)
            return
        # Dicts are matched to outputs by name: the order of the keys the user wrote is not the model's.
        names = self._compile_loss.output_names
        trues, preds = _targets_and_predictions(y_true, y_pred, names)
        trues = self._compile_loss.one_target_for_every_output(y_true, trues, len(names))
        weights = self._compile_loss.weights_per_output(sample_weight, len(trues))
        if len(trues) != len(names) and self._compile_loss._partial:
            trues = self._compile_loss._targets_for_defined_losses(trues, len(names))
        for metrics, flags, yt, yp, sw in zip(self.metrics_per_output, self._weighted_per_output, trues, preds,
                                              weights):
            if yt is not None:
                _update(metrics, flags, yt, yp, sw)


def _target_shapes(y_true, names):
    """The targets' shapes, one per output (None where unknown): 'accuracy' against integer labels one
    rank below the predictions is sparse accuracy whatever the loss (a custom function), as both Keras
    eras decide it from the shapes."""
    if len(names) == 1:
        trues = [_only_element(y_true.get(names[0]) if isinstance(y_true, dict) else y_true)]
    else:
        trues, _ = _targets_and_predictions(y_true, (), names)
    return [tuple(t.shape) if hasattr(t, "shape") else None for t in trues]


def _declared_outputs(model, names):
    """A tf-keras 2 train step may hand compiled_metrics one prediction of a model with several outputs
    (keras-crf's CRFModel: `compiled_metrics.update_state(y, potentials)`); tf-keras 2 then names the
    metrics after the model's first output (`decode_sequence_accuracy`), as for any multi-output model."""
    declared = list(getattr(model, "output_names", None) or [])
    return declared if len(declared) > len(names) else None


def _name_as_keras_logs(metrics_per_output, weighted_flags, output_names):
    """Give every compiled metric the name Keras 3 logs it under, so no two share a log key.

    With several outputs a metric is prefixed with its output's name (`dense_mae`). Names are handed
    out as Keras 3 does, all plain metrics first, output by output, then the weighted ones: a name met
    again gets `_1`, `_2`... (two outputs of one layer both named `lstm`: `lstm_mae`, `lstm_mae_1`),
    and a weighted metric whose name is taken becomes `weighted_<name>`, then numbered if that is
    taken too."""
    def prefixed(index, name):
        return f"{output_names[index]}_{name}" if output_names else name

    counters = {}
    for want_weighted in (False, True):
        for index, (metrics, flags) in enumerate(zip(metrics_per_output, weighted_flags)):
            for metric, weighted in zip(metrics, flags):
                if weighted is not want_weighted:
                    continue
                name = prefixed(index, metric.name)
                if name in counters and weighted:
                    name = prefixed(index, f"weighted_{metric.name}")
                if name in counters:
                    counters[name] += 1
                    name = f"{name}_{counters[name] - 1}"
                else:
                    counters[name] = 1
                metric.name = name


def _single_target(y_true, name):
    """A one-output model's targets given as {output name: y} (tf-keras 2 takes them; keras-io's FNet)."""
    if not isinstance(y_true, dict):
        return y_true
    if set(y_true) == {name}:
        return y_true[name]
    raise ValueError(f"The model has one output, {name!r}, but y is a dict with keys {sorted(y_true)}: pass the "
                     f"targets as an array, or as {{{name!r}: y}}")


def _targets_and_predictions(y_true, y_pred, names):
    """Targets and predictions as lists in the outputs' order: dicts are matched by output name (the order
    of the keys the user wrote is not the model's), other structures flattened."""
    preds = [y_pred[n] for n in names] if isinstance(y_pred, dict) else tree.flatten(y_pred)
    if isinstance(y_true, dict):
        trues = [y_true.get(n) for n in names]
    else:
        trues = list(y_true) if isinstance(y_true, (list, tuple)) else [y_true]
    return trues, preds


def _column_like(values, y_pred):
    """(N,) targets as (N, 1) for (N, 1) predictions, as tf-keras 2 hands them to compiled metrics: a user's
    Metric subclass computing `y_true - y_pred` (Hands-On ML's HuberMetric) then gets the loss's value
    rather than an (N, N) broadcast (Keras 3 broadcasts there). For (N, C) predictions the targets stay
    (N,) sparse labels, as Keras 3 keeps them (tf-keras 2 made them (N, 1) there too, so Deep Learning
    with Python's one-hot RMSE metric broadcast to (N, 1, C)). Built-in metrics align ranks themselves."""
    if getattr(values, "ndim", None) == 1 and getattr(y_pred, "ndim", None) == 2 and y_pred.shape[-1] == 1:
        return values[:, None]
    return values


def _update(metrics, weighted_flags, y_true, y_pred, sample_weight):
    y_true = _column_like(y_true, y_pred)
    for metric, weighted in zip(metrics, weighted_flags):
        if weighted and sample_weight is not None:
            metric.update_state(y_true, y_pred, sample_weight=sample_weight)
        else:
            metric.update_state(y_true, y_pred)


def _entries_per_output(spec, names):
    """One list of metric entries per output, from `metrics=`/`weighted_metrics=` as the user wrote them:
    a dict by output name, a list of lists (one per output), a list with one entry per output that
    repeats a name (Keras 3's reading), or one list for every output."""
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        return [list(_as_list(spec.get(n))) for n in names]
    if isinstance(spec, (list, tuple)) and spec and all(isinstance(s, (list, tuple)) for s in spec) and len(names) > 1:
        return [list(s) for s in spec]
    if isinstance(spec, (list, tuple)) and len(spec) == len(names) > 1 and _entries_repeat_a_name(spec):
        # `metrics=["RootMeanSquaredError", "RootMeanSquaredError"]` for two outputs: Keras 3 gives one
        # entry to each output; tf-keras 2 refused it (each output would log one name twice).
        return [[entry] for entry in spec]
    return [list(_as_list(spec)) for _ in names]


def _entries_repeat_a_name(entries):
    names = [_entry_name(entry) for entry in entries]
    return None not in names and len(set(names)) < len(names)


def _entry_name(entry):
    if isinstance(entry, str):
        return entry
    name = getattr(entry, "name", None)
    if not isinstance(name, str):
        name = getattr(entry, "__name__", None)
    return name


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return value
    return [value]


def _resolve_metric(entry, loss, output_shape, target_shape=None):
    """One entry of `metrics=` -> a Metric, named as the user named it ('acc' stays 'acc')."""
    from tkeras import metrics as metrics_module
    if isinstance(entry, str) and entry in ("accuracy", "acc"):
        return metrics_module.resolve_accuracy(entry, loss, output_shape, target_shape)
    if isinstance(entry, str) and entry in ("crossentropy", "ce"):
        return _resolve_crossentropy(entry, loss, output_shape, target_shape)
    metric = metrics_module.get(entry)
    if isinstance(metric, metrics_module.Metric):
        if isinstance(entry, str):
            metric.name = entry
        return metric
    name = entry if isinstance(entry, str) else getattr(metric, "__name__", "metric")
    return metrics_module.MeanMetricWrapper(metric, name=name)


def _resolve_crossentropy(name, loss, output_shape, target_shape=None):
    """tf-keras 2's `metrics=['ce']` / `['crossentropy']`: the crossentropy that fits the output, chosen
    as 'accuracy' is (a one-unit output is binary, a sparse loss means sparse labels)."""
    from tkeras import metrics as metrics_module
    kind = type(metrics_module.resolve_accuracy(name, loss, output_shape, target_shape)).__name__
    if kind == "BinaryAccuracy":
        return metrics_module.BinaryCrossentropy(name=name)
    if kind == "SparseCategoricalAccuracy":
        return metrics_module.SparseCategoricalCrossentropy(name=name)
    return metrics_module.CategoricalCrossentropy(name=name)
