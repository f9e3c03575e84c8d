"""Running a layer on stand-in values (zero batches, empty strings) to learn its output shapes.

The functional API's dry run and Layer's default `compute_output_shape` call the layer for real, where
Keras only traces it symbolically. A probe must leave no trace: a metric updated inside `call` keeps
no counts from the zeros, `add_loss` / `add_metric` values of the probe are dropped, random seeds do
not advance. The probe runs in a StatelessScope (assignments are kept there and undone on exit, as
Keras traces inside one) and a SymbolicScope (code may ask `in_symbolic_scope()`, as in Keras, e.g. to
skip value checks that stand-in values would fail).
"""
import contextlib

import torch

from tkeras.backend.stateless_scope import StatelessScope, SymbolicScope
from tkeras.layers import added_losses


@contextlib.contextmanager
def probing():
    pending_losses = len(added_losses.PENDING_LOSSES)
    pending_metrics = len(added_losses.PENDING_METRICS)
    try:
        with torch.no_grad(), StatelessScope(collect_losses=True), SymbolicScope():
            yield
    finally:
        for layer, _ in added_losses.PENDING_LOSSES[pending_losses:]:
            layer._losses = []
        del added_losses.PENDING_LOSSES[pending_losses:]
        del added_losses.PENDING_METRICS[pending_metrics:]
