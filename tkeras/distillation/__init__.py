"""keras.distillation: train a small student model to imitate a larger, frozen teacher."""
from tkeras.distillation.distillation_loss import DistillationLoss, FeatureDistillation, LogitsDistillation
from tkeras.distillation.distiller import Distiller

__all__ = ["DistillationLoss", "Distiller", "FeatureDistillation", "LogitsDistillation"]
