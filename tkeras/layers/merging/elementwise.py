"""Add, Subtract, Multiply, Average, Maximum, Minimum and their lowercase functional forms."""
import torch

from tkeras.layers.merging.base_merge import Merge, reduce_inputs


class Add(Merge):
    def _merge(self, inputs):
        return reduce_inputs(inputs, torch.add)


class Subtract(Merge):
    """inputs[0] - inputs[1]; exactly two inputs."""

    min_inputs = max_inputs = 2

    def _merge(self, inputs):
        return inputs[0] - inputs[1]


class Multiply(Merge):
    def _merge(self, inputs):
        return reduce_inputs(inputs, torch.mul)


class Average(Merge):
    def _merge(self, inputs):
        return reduce_inputs(inputs, torch.add) / len(inputs)


class Maximum(Merge):
    def _merge(self, inputs):
        return reduce_inputs(inputs, torch.maximum)


class Minimum(Merge):
    def _merge(self, inputs):
        return reduce_inputs(inputs, torch.minimum)


def add(inputs, **kwargs):
    """Functional form of Add: `add([x1, x2])`."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    return Minimum(**kwargs)(inputs)
