"""Sharpness-Aware Minimization (Foret et al. 2021), tf-keras 2's `models.experimental` wrapper.

SAM looks for weights whose whole neighbourhood has a low loss, which tends to generalise better:
each step first climbs to the worst nearby point, `w + rho * g / ||g||` (g the gradient, the norm
over all trainable weights together), takes the gradient there, steps back to `w`, and lets the
optimizer apply that second gradient. With `num_batch_splits` the batch is cut into equal parts,
each part gets its own climb, and their gradients are summed, as tf-keras does. The first forward
pass runs in inference mode and the second in training mode, also as tf-keras does.
"""
import torch

from tkeras.models.model import Model
from tkeras.training import data_adapter


class SharpnessAwareMinimization(Model):
    def __init__(self, model, rho=0.05, num_batch_splits=None, name=None):
        super().__init__(name=name)
        self.model = model
        self.rho = rho
        self.num_batch_splits = num_batch_splits

    def call(self, inputs, **kwargs):
        return self.model(inputs, **kwargs)

    def _splits(self, value):
        if value is None or not self.num_batch_splits:
            return [value] * (self.num_batch_splits or 1)
        size = data_adapter.batch_size_of(value)
        if size % self.num_batch_splits:
            raise ValueError(f"SharpnessAwareMinimization: a batch of {size} samples cannot be split into "
                             f"num_batch_splits={self.num_batch_splits} equal parts; use a batch_size divisible by it")
        return list(torch.split(torch.as_tensor(value), size // self.num_batch_splits))

    def train_step(self, data):
        x, y, sample_weight = data_adapter.unpack(data)
        variables = [v for v in self.model.trainable_weights]
        summed, predictions = None, []
        for part_x, part_y, part_weight in zip(self._splits(x), self._splits(y), self._splits(sample_weight)):
            prediction = self(part_x, training=False)
            loss = self.compute_loss(part_x, part_y, prediction, part_weight)
            self._loss_tracker.update_state(loss.detach(), sample_weight=data_adapter.batch_size_of(part_x))
            grads = torch.autograd.grad(loss, variables, allow_unused=True)
            present = [g for g in grads if g is not None]
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in present]))
            scale = self.rho / (norm + 1e-12)
            climbs = [None if g is None else g * scale for g in grads]
            with torch.no_grad():
                for variable, climb in zip(variables, climbs):
                    if climb is not None:
                        variable.add_(climb)
            prediction = self(part_x, training=True)
            loss = self.compute_loss(part_x, part_y, prediction, part_weight)
            self._loss_tracker.update_state(loss.detach(), sample_weight=data_adapter.batch_size_of(part_x))
            grads = torch.autograd.grad(loss, variables, allow_unused=True)
            with torch.no_grad():
                for variable, climb in zip(variables, climbs):
                    if climb is not None:
                        variable.sub_(climb)
            grads = [torch.zeros_like(v) if g is None else g for g, v in zip(grads, variables)]
            summed = grads if summed is None else [a + b for a, b in zip(summed, grads)]
            predictions.append(prediction.detach())
        self.optimizer.apply(summed, variables)
        return self.compute_metrics(x, y, torch.cat(predictions, dim=0), sample_weight)

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {**super().get_config(), "model": serialize_keras_object(self.model), "rho": self.rho,
                "num_batch_splits": self.num_batch_splits}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras.saving.serialization import deserialize_keras_object
        config = dict(config)
        config["model"] = deserialize_keras_object(config["model"], custom_objects=custom_objects)
        config.pop("trainable", None)
        return cls(**config)
