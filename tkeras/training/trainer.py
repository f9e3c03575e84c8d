"""compile / fit / evaluate / predict: the loops that move batches through a model and an optimizer.

Per training step: forward (`model(x, training=True)`), loss, `backward()`, one fused optimizer update,
metric state updated on the device. Nothing here reads a number back from the device per step: the
progress bar converts the running averages when it redraws (at most ~10 times a second), and epoch
logs are converted once per epoch. Denormal floats are flushed during fit, as TensorFlow does, since
they slow CPU kernels badly once optimizer state decays towards zero.
"""
import warnings

import torch

from tkeras.backend import captured_tensors, core_sharing, host_memory
from tkeras.backend.context import CALL_CONTEXT
from tkeras.backend.keras_tensor import KerasTensor
from tkeras.callbacks.callback_list import CallbackList
from tkeras.mixed_precision import policy as _precision
from tkeras.training import (
    closed_form_heads, compiled_trainable_state, data_adapter, dense_stack_step, graph_mode_loops, loop_helpers,
    predict_chunks,
)
from tkeras.training.compile_utils import CompileLoss, CompileMetrics
from tkeras.training.instance_attributes import TrainerAttributes
from tkeras.training.keras3_methods import Keras3TrainerMethods
from tkeras.training.legacy_methods import LegacyTrainingMethods
from tkeras.training.step_logs import MetricLogs, batch_logs, pythonify
from tkeras.utils import tree
from tkeras.utils.batch_packing import pack_x_y_sample_weight


class _FitScope:
    """Settings that hold only while a loop runs: raw tensor outputs, flushed denormals, intra-op
    threads that give way to other processes (`backend/core_sharing.py`; the loops tick it per step),
    freed memory kept for the next step (`backend/host_memory.py`)."""

    def __init__(self, model, flush_denormal):
        self.model = model
        self.flush_denormal = flush_denormal

    def __enter__(self):
        self._raw = CALL_CONTEXT.raw
        CALL_CONTEXT.raw = True
        if self.flush_denormal:
            torch.set_flush_denormal(True)
        self._autocast = _precision.autocast_scope()  # mixed precision: forward passes in float16/bfloat16
        self._autocast.__enter__()
        self._sharing = core_sharing.sharing_cores()
        self._sharing.__enter__()
        self._memory = host_memory.keeping_freed_memory()
        self._memory.__enter__()
        self._trainable = compiled_trainable_state.respected(self.model)  # the flags compile saw
        self._trainable.__enter__()
        self._captured = captured_tensors.step()  # Keras 2 closures over graph tensors read their values
        self._captured.__enter__()
        return self

    def __exit__(self, *exc):
        core_sharing.tick()  # the one step of train_on_batch & co. counts too
        self._captured.__exit__(*exc)
        self._trainable.__exit__(*exc)
        self._memory.__exit__(*exc)
        self._sharing.__exit__(*exc)
        self._autocast.__exit__(*exc)
        CALL_CONTEXT.raw = self._raw
        if self.flush_denormal:
            torch.set_flush_denormal(False)
        return False


class Trainer(Keras3TrainerMethods, LegacyTrainingMethods, TrainerAttributes):
    """Mixed into Model: the Keras training API."""

    def _init_trainer(self):
        self.optimizer = None
        self.compiled_loss = None
        self.compiled_metrics = None
        self.loss = None
        self.stop_training = False
        self.history = None
        self._compiled = False
        self._in_fit = False
        self._loss_tracker = None

    # -- compile ----------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None,
                weighted_metrics=None, run_eagerly=None, steps_per_execution=1, jit_compile=None,
                auto_scale_loss=True, **kwargs):
        from tkeras import optimizers
        from tkeras.metrics import Mean
        for legacy in ("sample_weight_mode", "target_tensors", "distribute", "experimental_run_tf_function"):
            kwargs.pop(legacy, None)
        if kwargs:
            raise TypeError(f"compile() got unexpected keyword argument(s) {sorted(kwargs)}")
        self.optimizer = optimizers.get(optimizer)
        if auto_scale_loss and _precision.global_policy().needs_loss_scaling and not hasattr(
                self.optimizer, "inner_optimizer"):
            from tkeras.mixed_precision import LossScaleOptimizer
            self.optimizer = LossScaleOptimizer(self.optimizer)
        if loss is not None:
            # Keras 3 keeps a `self.loss` the subclass set itself (a loss object its compute_loss calls,
            # DLwP 3's diffusion model) when compile() is given no loss.
            self.loss = loss
        self.compiled_loss = CompileLoss(loss, loss_weights)
        self.compiled_metrics = CompileMetrics(metrics, weighted_metrics)
        self._weighted_metrics = weighted_metrics
        self._loss_tracker = Mean(name="loss")
        # Keras 2 custom train steps call these directly: they build themselves on first use.
        self.compiled_loss.attach(self, self._loss_tracker)
        self.compiled_metrics.attach(self, self.compiled_loss)
        self.run_eagerly = run_eagerly
        self.jit_compile = jit_compile
        self.steps_per_execution = steps_per_execution
        self._compiled = True
        self._metrics_built = False
        self.stop_training = False
        compiled_trainable_state.record(self)
        for function in tree.flatten([loss, metrics, weighted_metrics]):  # Keras 2: vae_loss reading z_mean
            captured_tensors.mark_referenced_by(function, KerasTensor)

    def _require_compiled(self, what):
        if not self._compiled:
            raise RuntimeError(
                f"You must compile your model before {what}. Call model.compile(optimizer, loss) first.")

    @property
    def metrics(self):
        if not getattr(self, "_compiled", False):
            return list(getattr(self, "_tracked_metrics", []))
        result = [self._loss_tracker]
        if self.compiled_loss.per_output_trackers:
            result.extend(self.compiled_loss.per_output_trackers)
        if self.compiled_metrics.built:
            result.extend(self.compiled_metrics.metrics)
        return result + list(getattr(self, "_tracked_metrics", []))

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def _build_compiled(self, x, y, y_pred):
        if self.compiled_loss.output_names is None:
            self.compiled_loss.build(self, y_pred)
        if not self.compiled_metrics.built:
            self.compiled_metrics.build(self, y, y_pred, self.compiled_loss)

    # -- the steps (override these as in Keras' "customizing what happens in fit") ----------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        y_pred = _precision.outputs_to_float32(y_pred)
        self._build_compiled(x, y, y_pred)
        loss = self.compiled_loss.compute(y, y_pred, sample_weight)
        extra = self._collect_losses()
        if extra:
            loss = sum(extra) if loss is None else loss + sum(extra)
        if loss is None:
            raise ValueError("No loss to compute: pass loss= to compile(), or add losses with add_loss()")
        return loss

    def _collect_losses(self):
        """The forward pass's added losses and the weights' penalties, for the step's loss.

        The added losses are read, not taken: the layers keep them until the next outermost call clears
        them, so `model.losses` after fit, evaluate or train_on_batch lists the last step's, as Keras 3
        on torch does."""
        from tkeras.layers.added_losses import pending_loss_values
        result = pending_loss_values()
        given = self.__dict__.get("_stateless_regularized_values")  # stateless_compute_loss's values
        for w in self._regularized_weights():
            result.append(w.regularizer(w if given is None else given.get(id(w), w)))
        return result

    def _regularized_weights(self):
        cached = self.__dict__.get("_regularized_cache")
        if cached is not None and self._in_fit:
            return cached[1]  # fit() invalidates at its start; its first step has built every layer
        if cached is None or cached[0] != len(self.weights):
            weights = self.weights
            cached = (len(weights), [w for w in weights if getattr(w, "regularizer", None) is not None])
            self.__dict__["_regularized_cache"] = cached
        return cached[1]

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        y_pred = _precision.outputs_to_float32(y_pred)
        self._build_compiled(x, y, y_pred)
        if y is not None:
            self.compiled_metrics.update_state(y, y_pred, sample_weight)
        return MetricLogs(self.metrics)

    def train_step(self, data):
        x, y, sample_weight = data_adapter.unpack(data)
        stack = dense_stack_step.plan_for(self) if self._in_fit else None
        if stack is not None and dense_stack_step.applies_to(stack, x):
            return dense_stack_step.train_step(self, stack, x, y, sample_weight)
        y_pred = self(x, training=True)
        closed = closed_form_heads.loss_and_gradient(self, y_pred, y, sample_weight) \
            if self._in_fit and not (_overridden(self, "compute_loss") or _overridden(self, "_minimize")) else None
        if closed is None:
            loss = self.compute_loss(x, y, y_pred, sample_weight)
            self._minimize(loss)
        else:
            loss, logits, gradient = closed
            self._minimize(logits, gradient)
        self._loss_tracker.update_state(loss.detach(), sample_weight=data_adapter.batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = data_adapter.unpack(data)
        y_pred = self(x, training=False)
        if loop_helpers.compute_loss_takes_training(type(self)):
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        else:  # a compute_loss override written before Keras 3.3 added `training`
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._loss_tracker.update_state(loss.detach(), sample_weight=data_adapter.batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = data_adapter.unpack(data)
        return self(x, training=False)

    def _minimize(self, loss, gradient=None):
        """Backward from `loss` (or from the logits with their `gradient`, closed_form_heads'), then the
        optimizer step and the weights' constraints."""
        params = self._trainable_cache()
        if not params:
            # Keras reports the loss of a model with nothing to train (a loss from add_loss alone, a
            # frozen model) and updates nothing; backward() would fail on a loss without a graph.
            warnings.warn("The model does not have any trainable weights.", UserWarning, stacklevel=3)
            return
        for p in params:
            p.grad = None
        if not loss.requires_grad:
            self.optimizer.step_from_grads(params)  # no gradient reached any weight: its clear error
            return
        scale_loss = getattr(self.optimizer, "scale_loss", None)
        if scale_loss is not None and gradient is None:
            loss = scale_loss(loss)
        if torch.is_autocast_enabled(loss.device.type):
            with torch.autocast(loss.device.type, enabled=False):
                loss.backward(gradient)
        else:
            loss.backward(gradient)
        self.optimizer.step_from_grads(params)
        for p in self._constrained_cache():
            with torch.no_grad():
                p.copy_(p.constraint(p))

    def _trainable_cache(self):
        params = self.__dict__.get("_trainable_params")
        if params is None:
            params = [w for w in self.trainable_weights if w.requires_grad]
            self.__dict__["_trainable_params"] = params
            self.__dict__["_constrained_params"] = [w for w in params if getattr(w, "constraint", None) is not None]
        return params

    def _constrained_cache(self):
        return self.__dict__.get("_constrained_params") or ()

    def _invalidate_caches(self):
        self.__dict__.pop("_trainable_params", None)
        self.__dict__.pop("_constrained_params", None)
        self.__dict__.pop("_regularized_cache", None)
        dense_stack_step.forget(self)
        closed_form_heads.forget(self)

    # -- fit --------------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1, max_queue_size=10, workers=1,
            use_multiprocessing=False, **kwargs):
        if "nb_epoch" in kwargs:  # Keras 1
            epochs = kwargs.pop("nb_epoch")
        kwargs.pop("show_accuracy", None)  # Keras 0.x/1: accuracy is shown when compiled with metrics
        if kwargs:
            raise TypeError(f"fit() got unexpected keyword argument(s) {sorted(kwargs)}")
        self._require_compiled("training/testing")
        distribution = _current_distribution()  # data parallel under torchrun; pins this rank's device first
        epochs = loop_helpers.capped_epochs(epochs)
        verbose = 1 if verbose == "auto" else int(verbose)
        if validation_split and validation_data is None:
            if not data_adapter.is_array_like(x):
                raise ValueError("validation_split is only supported for array inputs (NumPy arrays, tensors); "
                                 "pass validation_data for generators and datasets")
            (x, y, sample_weight), validation_data = data_adapter.train_validation_split(
                x, y, sample_weight, validation_split)
        train = data_adapter.make_batches(x, y, sample_weight, batch_size, shuffle, steps_per_epoch, class_weight,
                                          resume_across_epochs=True)
        loop_helpers.note_batch_size_fixed(self, train)
        val = None
        if validation_data is not None:
            vx, vy, vw = data_adapter.unpack(validation_data) if isinstance(validation_data, (tuple, list)) else (
                validation_data, None, None)
            val = data_adapter.make_batches(vx, vy, vw, validation_batch_size or batch_size, False, validation_steps)
        if distribution is not None:
            train, val, callbacks, verbose = distribution.setup_fit(self, train, val, callbacks, verbose)
        sample_params = {}
        if verbose and graph_mode_loops.graph_mode_requested():
            sample_params = graph_mode_loops.start_fit(train, val)
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=train.steps, **sample_params)
        if val is not None:
            loop_helpers.give_callbacks_validation_arrays(callback_list.callbacks, vx, vy, vw)
        self.stop_training = False
        self._invalidate_caches()
        self._in_fit = True
        logs = {}
        with _FitScope(self, flush_denormal=True):
            self._prepare_for_training(train)
            train_step = distribution.train_step_fn(self) if distribution is not None else self.train_step
            if distribution is None and _overridden(self, "train_step"):
                train_step = _packing(self.train_step)
            self._initial_epoch = None
            callback_list.on_train_begin()
            if self._initial_epoch is not None:  # BackupAndRestore resuming an interrupted fit
                initial_epoch = self._initial_epoch
            wants_batch_logs = callback_list.wants("on_train_batch_end")
            wants_batch_begin = callback_list.wants("on_train_batch_begin")
            try:
                for epoch in range(initial_epoch, epochs):
                    self.reset_metrics()
                    callback_list.on_epoch_begin(epoch)
                    step_logs = None
                    step = -1
                    for step, batch in enumerate(train.epoch()):
                        if wants_batch_begin:
                            callback_list.on_train_batch_begin(step)
                        step_logs = train_step(batch)
                        core_sharing.tick()
                        if wants_batch_logs:
                            callback_list.on_train_batch_end(step, batch_logs(step_logs))
                        # Dropped before the next batch is gathered: one batch alive at a time, not two
                        # (20 MB each for the IMDB multi-hot input).
                        del batch
                        if self.stop_training:
                            break
                    if step < 0 and epoch == initial_epoch:
                        raise ValueError("fit: the training data produced no batches")
                    if step < 0:  # a generator or iterator used up by the earlier epochs (Keras 3 stops too)
                        warnings.warn("Your input ran out of data; interrupting training. Make sure that your "
                                      "dataset or generator can generate at least `steps_per_epoch * epochs` "
                                      "batches.", stacklevel=2)
                        break
                    if distribution is not None:
                        step_logs = distribution.epoch_logs(self, step_logs)
                    logs = pythonify(step_logs)
                    if val is not None and loop_helpers.should_validate(epoch, validation_freq):
                        val_logs = self._run_evaluation(val, callback_list)
                        logs.update({"val_" + k: v for k, v in val_logs.items()})
                    loop_helpers.warn_if_nan(logs, epoch)
                    callback_list.on_epoch_end(epoch, logs)
                    if self.stop_training:
                        break
            finally:
                self._in_fit = False
                if distribution is not None:
                    distribution.teardown_fit(self)
            # With use_ema, Keras ends training on the moving averages of the weights.
            finalize = getattr(self.optimizer, "finalize_variable_values", None)
            if finalize is not None:
                finalize(self.trainable_weights)
            callback_list.on_train_end(logs)
        return callback_list.history

    def _prepare_for_training(self, batches):
        """Build the model and the compiled loss/metrics before the first step (hooks may read them)."""
        return None

    def _run_evaluation(self, batches, callback_list):
        self.reset_metrics()
        callback_list.on_test_begin()
        step_logs = None
        with torch.no_grad():
            test_step = _packing(self.test_step) if _overridden(self, "test_step") else self.test_step
            for step, batch in enumerate(batches.epoch()):
                callback_list.on_test_batch_begin(step)
                step_logs = test_step(batch)
                core_sharing.tick()
                callback_list.on_test_batch_end(step, batch_logs(step_logs))
        distribution = _current_distribution()
        if distribution is not None:
            step_logs = distribution.evaluation_logs(self, step_logs)
        logs = pythonify(step_logs)
        callback_list.on_test_end(logs)
        return logs

    # -- evaluate / predict -----------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, max_queue_size=10, workers=1, use_multiprocessing=False,
                 return_dict=False, **kwargs):
        kwargs.pop("show_accuracy", None)  # Keras 1
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword argument(s) {sorted(kwargs)}")
        self._require_compiled("evaluating")
        verbose = 1 if verbose == "auto" else int(verbose)
        if graph_mode_loops.graph_mode_requested():
            verbose = 0  # tf-keras 2's graph loops draw no evaluate bar
        distribution = _current_distribution()
        batches = data_adapter.make_batches(x, y, sample_weight, batch_size, False, steps)
        loop_helpers.note_batch_size_fixed(self, batches)
        if distribution is not None:
            batches, callbacks, verbose = distribution.setup_evaluate(self, batches, callbacks, verbose)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=batches.steps)
        with _FitScope(self, flush_denormal=False):
            logs = self._run_evaluation(batches, callback_list)
        if return_dict:
            return logs
        return loop_helpers.logs_as_list(logs, self.metrics_names)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, max_queue_size=10,
                workers=1, use_multiprocessing=False):
        verbose = 1 if verbose == "auto" else int(verbose)
        if graph_mode_loops.graph_mode_requested():
            verbose = 0  # tf-keras 2's graph loops draw no predict bar
        distribution = _current_distribution()
        batches = data_adapter.make_batches(x, None, None, batch_size, False, steps)
        if distribution is not None:
            batches, callbacks, verbose = distribution.setup_predict(self, batches, callbacks, verbose)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                                     epochs=1, steps=batches.steps)
        outputs = None
        overridden = _overridden(self, "predict_step")
        predict_step = _packing(self.predict_step) if overridden else self.predict_step
        finish = lambda out: tree.map_structure(loop_helpers.detached_prediction, _precision.predicted_outputs(out))
        rows = predict_chunks.chunk_size(self, batches, steps, callback_list, overridden, distribution is not None)
        callback_list.on_predict_begin()
        with _FitScope(self, flush_denormal=False), torch.no_grad():
            if rows is not None:
                misses = self.__dict__.setdefault("_predict_chunk_misses", set())
                outputs = predict_chunks.run_chunked(batches, rows, predict_step, callback_list, finish, misses)
            if outputs is None:
                outputs = []
                for step, batch in enumerate(batches.epoch()):
                    callback_list.on_predict_batch_begin(step)
                    outputs.append(finish(predict_step(batch)))
                    core_sharing.tick()
                    callback_list.on_predict_batch_end(step, {"outputs": outputs[-1]})
        callback_list.on_predict_end()
        if distribution is not None:
            outputs = distribution.gather_predictions(batches, outputs)
        if not outputs:
            raise ValueError("predict: the input produced no batches")
        return loop_helpers.concat_outputs(outputs)

    # -- single batches ---------------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, reset_metrics=True,
                       return_dict=False):
        self._require_compiled("training")
        if class_weight is not None:
            y = data_adapter.to_tensor(y, "y")
            sample_weight = data_adapter.ClassWeights(class_weight).combined(
                y, None if sample_weight is None else data_adapter.to_tensor(sample_weight, "sample_weight"))
        if reset_metrics:
            self.reset_metrics()
        batches = data_adapter.ArrayBatches(x, y, sample_weight, batch_size=loop_helpers.len_of(x))
        self._invalidate_caches()
        with _FitScope(self, flush_denormal=True):
            logs = pythonify(self._step_fn('train_step')(next(iter(batches.epoch()))))
        return self._single_batch_result(logs, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, reset_metrics=True, return_dict=False):
        self._require_compiled("testing")
        if reset_metrics:
            self.reset_metrics()
        batches = data_adapter.ArrayBatches(x, y, sample_weight, batch_size=loop_helpers.len_of(x))
        with _FitScope(self, flush_denormal=False), torch.no_grad():
            logs = pythonify(self._step_fn('test_step')(next(iter(batches.epoch()))))
        return self._single_batch_result(logs, return_dict)

    def predict_on_batch(self, x):
        batches = data_adapter.ArrayBatches(x, None, None, batch_size=loop_helpers.len_of(x))
        with _FitScope(self, flush_denormal=False), torch.no_grad():
            out = _precision.predicted_outputs(self._step_fn('predict_step')(next(iter(batches.epoch()))))
        return loop_helpers.concat_outputs([out])

    def _step_fn(self, name):
        step = getattr(self, name)
        return _packing(step) if _overridden(self, name) else step

    def _single_batch_result(self, logs, return_dict):
        if return_dict:
            return logs
        return loop_helpers.logs_as_list(logs, self.metrics_names)


def _overridden(model, step_name):
    return getattr(type(model), step_name) is not getattr(Trainer, step_name)


def _pack(batch):
    """The adapter's (x, y, sample_weight) as Keras hands it to a custom step: x, (x, y) or (x, y, sw)."""
    if isinstance(batch, tuple) and len(batch) == 3:
        return pack_x_y_sample_weight(*batch)
    return batch


def _packing(step):
    return lambda batch: step(_pack(batch))


def _current_distribution():
    """The data-parallel distribution the loops run under; None in a single process (tkeras.distribute)."""
    from tkeras.distribute.data_parallel import current_distribution
    return current_distribution()
