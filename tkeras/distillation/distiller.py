"""Knowledge distillation as a model (Keras 3.12+'s `keras.distillation.Distiller`).

The Distiller *is* the student for `fit`, `evaluate` and `predict` (its call is the student's), and
its loss mixes the student's own loss on the targets with how far the student is from a frozen
teacher: `student_loss_weight * student + (1 - student_loss_weight) * sum(weight_i * distillation_i)`.
Everything else (the fit loop, the optimizer over the student's weights, metrics) is the ordinary
`Model` machinery; only `compile` (the student loss kept aside) and `compute_loss` are its own, with
three running means (`student_loss`, `distillation_loss`, `total_loss`) that show up in the logs.
"""
import torch

from tkeras import tree
from tkeras.distillation.distillation_loss import _resolved_structure
from tkeras.metrics import Mean
from tkeras.models import Model, Sequential


def _as_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Distiller(Model):
    def __init__(self, teacher, student, distillation_losses, distillation_loss_weights=None,
                 student_loss_weight=0.5, name="distiller", **kwargs):
        super().__init__(name=name, **kwargs)
        _check_pair(teacher, student)
        self.teacher = teacher
        self.student = student
        if not _as_number(student_loss_weight):
            raise ValueError(f"student_loss_weight must be a number, got {type(student_loss_weight)}")
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(f"student_loss_weight must be between 0.0 and 1.0, got {student_loss_weight}")
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ValueError("'distillation_losses' cannot be `None`. Provide a distillation loss (e.g., "
                             "LogitsDistillation or FeatureDistillation) or a list of distillation losses.")
        if isinstance(distillation_losses, (list, tuple)):
            weights = [1.0] * len(distillation_losses) if distillation_loss_weights is None else \
                distillation_loss_weights
            if len(weights) != len(distillation_losses):
                raise ValueError(f"Number of distillation_loss_weights ({len(weights)}) must match number of "
                                 f"distillation_losses ({len(distillation_losses)})")
            self.distillation_losses, self.distillation_loss_weights = distillation_losses, weights
        else:
            # A single loss: Keras ignores distillation_loss_weights then and weighs it 1.
            self.distillation_losses, self.distillation_loss_weights = [distillation_losses], [1.0]
        for distillation_loss in self.distillation_losses:
            distillation_loss.validate_model_compatibility(teacher, student)
        self._teacher_features = _feature_extractor(teacher, "teacher_layer_name", self.distillation_losses)
        self._student_features = _feature_extractor(student, "student_layer_name", self.distillation_losses)
        self.teacher.trainable = False
        self.student_loss_tracker = Mean(name="student_loss")
        self.distillation_loss_tracker = Mean(name="distillation_loss")
        self.total_loss_tracker = Mean(name="total_loss")

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        if loss is None:
            raise ValueError("'loss' cannot be `None`.")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"metrics must be a list or tuple, got {type(metrics)}")
        self._student_loss = _resolved_structure(loss)
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def call(self, inputs, training=None, **kwargs):
        return self.student(inputs, training=training, **kwargs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss = 0.0
        if self.student_loss_weight > 0.0 and y is not None:
            values = tree.flatten(tree.map_structure(lambda fn, target, output: fn(target, output),
                                                     self._student_loss, y, y_pred))
            student_loss = torch.stack(values).sum() if len(values) > 1 else values[0]
            if student_loss.dim() > 0:
                student_loss = student_loss.mean()
        distillation_loss = 0.0
        if self.student_loss_weight < 1.0:
            teacher = self._features(self.teacher, self._teacher_features, x, False, None)
            student = self._features(self.student, self._student_features, x, True, y_pred)
            for fn, weight in zip(self.distillation_losses, self.distillation_loss_weights):
                teacher_out, student_out = _outputs_for(fn, teacher, student, y_pred)
                fn.validate_outputs(teacher_out, student_out)
                value = fn.compute_loss(teacher_out, student_out)
                if isinstance(value, torch.Tensor) and value.dim() > 0:
                    raise ValueError(f"Distillation loss {type(fn).__name__} returned a non-scalar loss with shape "
                                     f"{tuple(value.shape)}. The compute_loss method must return a scalar tensor.")
                distillation_loss = distillation_loss + weight * value
        total = self.student_loss_weight * student_loss + (1.0 - self.student_loss_weight) * distillation_loss
        total = torch.as_tensor(total, dtype=torch.float32) if not isinstance(total, torch.Tensor) else total
        for tracker, value in ((self.student_loss_tracker, student_loss),
                               (self.distillation_loss_tracker, distillation_loss), (self.total_loss_tracker, total)):
            tracker.update_state(value.detach() if isinstance(value, torch.Tensor) else value)
        return total

    @staticmethod
    def _features(model, extractor, x, training, y_pred):
        """{"final_output": ..., layer name: ...}; without named layers, the outputs alone (the
        student's are the y_pred already computed)."""
        if extractor is not None:
            return extractor(x, training=training)
        return {"final_output": y_pred if training else model(x, training=False)}

    def reset_metrics(self):
        super().reset_metrics()
        for tracker in (self.student_loss_tracker, self.distillation_loss_tracker, self.total_loss_tracker):
            tracker.reset_state()

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        config = {"name": self.name, "trainable": self.trainable, "dtype": serialize_keras_object(self.dtype_policy)}
        config.update(teacher=serialize_keras_object(self.teacher), student=serialize_keras_object(self.student),
                      distillation_losses=[serialize_keras_object(fn) for fn in self.distillation_losses],
                      distillation_loss_weights=list(self.distillation_loss_weights),
                      student_loss_weight=self.student_loss_weight)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        config.pop("dtype", None)
        for key in ("teacher", "student"):
            config[key] = deserialize_keras_object(config[key], custom_objects)
        config["distillation_losses"] = [deserialize_keras_object(fn, custom_objects)
                                         for fn in config["distillation_losses"]]
        return cls(**config)


def _check_pair(teacher, student):
    """Both are models, taking and giving tensors of the same shapes and dtypes (where known)."""
    for role, model in (("Teacher", teacher), ("Student", student)):
        if not isinstance(model, Model):
            raise ValueError(f"{role} must be a keras.Model, got {type(model)}")
    for what in ("inputs", "outputs"):
        ours, theirs = getattr(teacher, what, None), getattr(student, what, None)
        if ours is None or theirs is None:
            continue  # a subclassed model: nothing symbolic to compare
        context = what[:-1]
        tree.map_structure(lambda a, b: _same_shape(a.shape, b.shape, context), ours, theirs)
        tree.map_structure(lambda a, b: _same_dtype(a.dtype, b.dtype, context), ours, theirs)


def _same_shape(teacher_shape, student_shape, context):
    teacher_shape, student_shape = tuple(teacher_shape), tuple(student_shape)
    if len(teacher_shape) != len(student_shape):
        raise ValueError(f"Teacher and student {context} shapes have different dimensions. "
                         f"Teacher: {teacher_shape}, Student: {student_shape}.")
    if any(a is not None and b is not None and a != b for a, b in zip(teacher_shape, student_shape)):
        raise ValueError(f"Teacher and student {context} shapes are incompatible. Teacher: {teacher_shape}, "
                         f"Student: {student_shape}. All dimensions must match.")


def _same_dtype(teacher_dtype, student_dtype, context):
    if teacher_dtype != student_dtype:
        raise ValueError(f"Teacher and student {context} dtypes must match. Teacher: {teacher_dtype}, "
                         f"Student: {student_dtype}.")


def _feature_extractor(model, attribute, distillation_losses):
    """A model giving the final output and every layer named by the losses' `attribute`, or None."""
    names = []
    for fn in distillation_losses:
        name = getattr(fn, attribute, None)
        if name and name not in names:
            names.append(name)
    if not names:
        return None
    if getattr(model, "inputs", None) is None:
        raise ValueError(f"Cannot create feature extractor for {model.name}. The model has no symbolic inputs "
                         f"attribute.")
    final = model.layers[-1].output if isinstance(model, Sequential) else model.output
    outputs = {"final_output": final}
    outputs.update((name, model.get_layer(name=name).output) for name in names)
    return Model(inputs=model.inputs, outputs=outputs, name=f"{model.name}_multi_feature_extractor")


def _outputs_for(fn, teacher, student, y_pred):
    """The pair a distillation loss compares: named layers' features, else the final outputs."""
    if getattr(fn, "teacher_layer_name", None) is None:
        return teacher["final_output"], y_pred
    pairs = []
    for features, name, side in ((teacher, fn.teacher_layer_name, "teacher"),
                                 (student, fn.student_layer_name or "final_output", "student")):
        if name not in features:
            raise RuntimeError(f"Failed to extract features for {type(fn).__name__} targeting teacher layer "
                               f"'{fn.teacher_layer_name}' and student layer '{fn.student_layer_name}'. "
                               f"Original error: Layer '{name}' not found in extracted features. "
                               f"Available: {list(features)}")
        pairs.append(features[name])
    return tuple(pairs)
