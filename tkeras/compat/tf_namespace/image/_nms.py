"""Non-max suppression with TensorFlow's selection rules, so detection post-processing keeps the same
boxes in the same order.

The greedy functions (`non_max_suppression`, `_with_scores`, `_overlaps`) take candidates whose score
is strictly above `score_threshold`, highest score first and the lower index first among ties, and drop
a candidate whose IoU with an already kept box is strictly above the threshold. Boxes may list their
corners in either order; a box without area overlaps nothing. IoUs are computed in float32 in the same
order of operations as TensorFlow, so a pair sitting exactly on the threshold goes the same way.
Soft-NMS (`soft_nms_sigma > 0`) multiplies a candidate's score by exp(-0.5 · IoU^2 / sigma) for each
kept box (TensorFlow's parameterisation: sigma, not sigma squared) and puts it back in the queue, until
it comes out unchanged (kept) or falls to the threshold (dropped).
"""
import heapq

import numpy as np
import torch

from tkeras.backend import config
from tkeras.ops.core import tensor, user_op


def _array(x, api, argument, rank, columns=None):
    x = tensor(x)
    if x.dim() != rank:
        raise ValueError(f"tf.image.{api}: {argument} must be {rank}-D, received shape {tuple(x.shape)}")
    if columns is not None and x.shape[-1] != columns:
        raise ValueError(f"tf.image.{api}: {argument} must have {columns} columns, received shape "
                         f"{tuple(x.shape)}")
    return x.detach().cpu().numpy().astype(np.float32)


def _scalar(value, api, argument):
    value = value.tolist() if hasattr(value, "tolist") else value
    if isinstance(value, (list, tuple)):
        raise ValueError(f"tf.image.{api}: {argument} must be a scalar, received {value}")
    return value


def corners(boxes):
    """(ymin, xmin, ymax, xmax, area) columns of float32 boxes given with corners in any order."""
    ymin, ymax = np.minimum(boxes[:, 0], boxes[:, 2]), np.maximum(boxes[:, 0], boxes[:, 2])
    xmin, xmax = np.minimum(boxes[:, 1], boxes[:, 3]), np.maximum(boxes[:, 1], boxes[:, 3])
    return ymin, xmin, ymax, xmax, (ymax - ymin) * (xmax - xmin)


def iou_against(geometry, index, others):
    """IoU of box `index` with each box in `others` (float32, 0 where either box has no area)."""
    ymin, xmin, ymax, xmax, area = geometry
    others = np.asarray(others, dtype=np.int64)
    top = np.maximum(ymin[index], ymin[others])
    left = np.maximum(xmin[index], xmin[others])
    bottom = np.minimum(ymax[index], ymax[others])
    right = np.minimum(xmax[index], xmax[others])
    inter = np.maximum(bottom - top, np.float32(0)) * np.maximum(right - left, np.float32(0))
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / (area[index] + area[others] - inter)
    return np.where((area[index] <= 0) | (area[others] <= 0), np.float32(0), iou).astype(np.float32)


def greedy(similarity, scores, max_output_size, threshold, score_threshold, sigma=0.0):
    """TensorFlow's selection loop; `similarity(i, selected)` gives float32 similarities to kept boxes.
    Returns (kept indices, their possibly decayed scores)."""
    threshold, score_threshold = np.float32(threshold), np.float32(score_threshold)
    soft = sigma > 0
    scale = np.float32(-0.5 / sigma) if soft else np.float32(0)
    # the queue holds (-score, index, first kept box not yet compared against)
    queue = [(-s, i, 0) for i, s in enumerate(scores.tolist()) if np.float32(s) > score_threshold]
    heapq.heapify(queue)
    kept, kept_scores = [], []
    while len(kept) < max_output_size and queue:
        negative, index, begin = heapq.heappop(queue)
        original = score = np.float32(-negative)
        hard = False
        if begin < len(kept):
            values = similarity(index, kept[begin:])
            for value in values[::-1]:  # newest kept first, as TensorFlow walks them
                if soft:
                    score = np.float32(score * np.exp(np.float32(scale * value * value)))
                elif value > threshold:
                    hard = True
                    break
                if score <= score_threshold:
                    break
        if hard:
            continue
        if score == original:
            kept.append(index)
            kept_scores.append(score)
        elif score > score_threshold:
            heapq.heappush(queue, (-float(score), index, len(kept)))
    return kept, kept_scores


def _output(indices, scores=None, pad_to=None):
    device = config.device()
    if pad_to is not None:
        indices = list(indices) + [0] * (pad_to - len(indices))
    out = torch.tensor(indices, dtype=torch.int32, device=device)
    if scores is None:
        return out
    if pad_to is not None:
        scores = list(scores) + [0.0] * (pad_to - len(scores))
    return out, torch.tensor(np.asarray(scores, dtype=np.float32), device=device)


def _threshold(value, api, name="iou_threshold"):
    value = float(_scalar(value, api, name))
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"tf.image.{api}: {name} must be in [0, 1], received {value}")
    return value


def _boxes_and_scores(boxes, scores, api):
    boxes = _array(boxes, api, "boxes", 2, 4)
    scores = _array(scores, api, "scores", 1)
    if scores.shape[0] != boxes.shape[0]:
        raise ValueError(f"tf.image.{api}: scores has incompatible shape: {scores.shape[0]} scores for "
                         f"{boxes.shape[0]} boxes")
    return boxes, scores


def _max_output(value, api):
    value = int(_scalar(value, api, "max_output_size"))
    if value < 0:
        raise ValueError(f"tf.image.{api}: max_output_size must be non-negative, received {value}")
    return value


@user_op
def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                        name=None):
    """int32 indices of the kept boxes, best first."""
    api = "non_max_suppression"
    boxes, scores = _boxes_and_scores(boxes, scores, api)
    geometry = corners(boxes)
    kept, _ = greedy(lambda i, others: iou_against(geometry, i, others), scores, _max_output(max_output_size, api),
                     _threshold(iou_threshold, api), float(score_threshold))
    return _output(kept)


@user_op
def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0, name=None):
    """(indices, scores): the scores are the decayed ones when soft-NMS is on."""
    api = "non_max_suppression_with_scores"
    boxes, scores = _boxes_and_scores(boxes, scores, api)
    sigma = float(_scalar(soft_nms_sigma, api, "soft_nms_sigma"))
    if sigma < 0:
        raise ValueError(f"tf.image.{api}: soft_nms_sigma must be non-negative, received {sigma}")
    geometry = corners(boxes)
    kept, kept_scores = greedy(lambda i, others: iou_against(geometry, i, others), scores,
                               _max_output(max_output_size, api), _threshold(iou_threshold, api),
                               float(score_threshold), sigma)
    return _output(kept, kept_scores)


@user_op
def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """Greedy NMS on a precomputed (n, n) similarity matrix (any overlap measure, not only IoU)."""
    api = "non_max_suppression_overlaps"
    matrix = _array(overlaps, api, "overlaps", 2)
    if matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"tf.image.{api}: overlaps must be square, received shape {matrix.shape}")
    scores = _array(scores, api, "scores", 1)
    kept, _ = greedy(lambda i, others: matrix[i, others], scores, _max_output(max_output_size, api),
                     float(_scalar(overlap_threshold, api, "overlap_threshold")), float(score_threshold))
    return _output(kept)
