"""Keras 1/2 regularizer spellings: `l2(l=0.01)` (Keras 2's keyword), `l1l2`, and Keras 1's `activity_l2`."""
from tkeras.regularizers import L1, L2, L1L2


def l1(l1=0.01, l=None):  # noqa: E741 - Keras' argument name
    return L1(l if l is not None else l1)


def l2(l2=0.01, l=None):  # noqa: E741
    return L2(l if l is not None else l2)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1, l2)


l1l2 = l1_l2
activity_l1, activity_l2, activity_l1l2 = l1, l2, l1_l2
