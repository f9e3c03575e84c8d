"""How a student is compared with its teacher (Keras 3.12+'s `keras.distillation` losses).

A distillation loss is not a `keras.losses.Loss`: it receives the teacher's and the student's outputs
(or the features of two named layers), not targets and predictions, and returns one scalar. The
numbers follow Keras 3.15 to the letter, including where that surprises: a loss given by name
("kl_divergence") resolves to Keras' loss *function* and is applied to the temperature-scaled
logits as they are; only a `keras.losses.KLDivergence` *instance* turns both sides into
probabilities first and multiplies by the squared temperature (the Hinton et al. recipe).
"""
import torch

from tkeras import losses as losses_module
from tkeras import tree


def _resolved_structure(loss):
    """Each loss named by a string becomes Keras' function of that name (`losses.get` names the valid
    ones for a typo); loss objects and None pass through."""
    return tree.map_structure(lambda item: losses_module.get(item) if isinstance(item, str) else item, loss)


def _serialized(loss):
    from tkeras.saving.serialization import serialize_keras_object
    return tree.map_structure(lambda item: None if item is None else serialize_keras_object(item), loss)


def _deserialized(config):
    """The loss structure back from `_serialized`'s output (a config dict, or lists/dicts of them)."""
    if config is None:
        return None
    if isinstance(config, (list, tuple)):
        return type(config)(_deserialized(item) for item in config)
    if isinstance(config, dict) and "class_name" not in config:
        return {key: _deserialized(value) for key, value in config.items()}
    return losses_module.deserialize(config)


def _summed_means(per_output):
    """Each output's loss averaged to a scalar, then summed over outputs. A skipped output (None for its
    loss) adds nothing; the constructors ensure at least one is not skipped."""
    return torch.stack([value.mean() for value in tree.flatten(per_output) if value is not None]).sum()


class DistillationLoss:
    """Base class: subclasses implement `compute_loss(teacher_outputs, student_outputs)`."""

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        raise NotImplementedError("Subclasses must implement compute_loss")

    def validate_outputs(self, teacher_outputs, student_outputs):
        """Teacher and student must hand over outputs of the same nesting."""
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher, student):
        """Called once by the Distiller; the base accepts any pair of models."""


class _LossStructureConfig:
    """`from_config` of the two built-in losses, whose config holds their `loss` structure serialized."""

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["loss"] = _deserialized(config["loss"])
        return cls(**config)


class FeatureDistillation(_LossStructureConfig, DistillationLoss):
    """The student's features (final outputs, or the output of `student_layer_name`) are pulled towards
    the teacher's (`teacher_layer_name`) by `loss`: a name, a loss object, or a nested structure of
    those matching the outputs, where None skips an output."""

    def __init__(self, loss="mse", teacher_layer_name=None, student_layer_name=None):
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = _resolved_structure(loss)
        if all(item is None for item in tree.flatten(self.loss)):
            raise ValueError("The `loss` argument in `FeatureDistillation` must contain at least one "
                             "non-`None` value.")

    def validate_model_compatibility(self, teacher, student):
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            subclassed = [role for role, model in (("teacher", teacher), ("student", student))
                          if getattr(model, "inputs", None) is None]
            if subclassed:
                raise ValueError(
                    f"FeatureDistillation with specific layer names requires Functional or Sequential "
                    f"models. The {' and '.join(subclassed)} model(s) appear to be subclassed (no symbolic "
                    f"inputs/outputs). Either use Functional/Sequential models, or use FeatureDistillation "
                    f"without layer names (to distill final outputs only), or use LogitsDistillation instead.")
        for role, model, layer_name in (("teacher", teacher, self.teacher_layer_name),
                                        ("student", student, self.student_layer_name)):
            if layer_name is not None:
                try:
                    model.get_layer(name=layer_name)
                except ValueError as error:
                    raise ValueError(f"In {role} model: {error}") from None

    def validate_outputs(self, teacher_outputs, student_outputs):
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except (ValueError, TypeError) as error:
            raise ValueError(f"Loss structure mismatch: the loss is {self.loss!r} but the outputs are nested "
                             f"differently. Error: {error}") from None

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        per_output = tree.map_structure(
            lambda fn, teacher, student: None if fn is None else fn(teacher, student),
            self.loss, teacher_outputs, student_outputs)
        return _summed_means(per_output)

    def get_config(self):
        return {"loss": _serialized(self.loss), "teacher_layer_name": self.teacher_layer_name,
                "student_layer_name": self.student_layer_name}


class LogitsDistillation(_LossStructureConfig, DistillationLoss):
    """The student's logits follow the teacher's, both divided by `temperature` first (softer targets)."""

    def __init__(self, temperature=3.0, loss="kl_divergence"):
        self.temperature = temperature
        self.loss = _resolved_structure(loss)
        if all(item is None for item in tree.flatten(self.loss)):
            raise ValueError("At least one loss must be non-`None`.")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"temperature must be a number, got {type(temperature)}")
        if temperature <= 0.0:
            raise ValueError("temperature must be positive.")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        def one_output(fn, teacher, student):
            if fn is None:
                return None
            teacher, student = teacher / self.temperature, student / self.temperature
            if isinstance(fn, losses_module.KLDivergence):
                value = fn(torch.softmax(teacher, dim=-1), torch.softmax(student, dim=-1))
                return value.mean() * self.temperature ** 2
            return fn(teacher, student)

        return _summed_means(tree.map_structure(one_output, self.loss, teacher_outputs, student_outputs))

    def get_config(self):
        return {"temperature": self.temperature, "loss": _serialized(self.loss)}
