"""The batched NMS variants: `non_max_suppression_padded` (fixed-size outputs for batches) and
`combined_non_max_suppression` (per-class NMS then a merge across classes, the SSD/EfficientDet
post-processing).

Each keeps its TensorFlow quirks, since exported detection pipelines depend on them: the padded form
sorts by score, suppresses at IoU >= threshold (with a 1e-8 guard in the union), orders corners by
looking at the first box only, and never reports a box whose coordinates are all <= 0; the combined
form runs a score-only priority queue per class and merges with an unstable sort, replayed in
`_stl_order`.
"""
import numpy as np
import torch

from tkeras.backend import config
from tkeras.compat.tf_namespace.image._nms import _max_output, _scalar, _threshold, corners, iou_against
from tkeras.compat.tf_namespace.image._stl_order import heap_pop, heap_push, stl_sort
from tkeras.ops.core import tensor, user_op


def _padded_one(boxes, scores, max_output_size, iou_threshold, score_threshold):
    if score_threshold != float("-inf"):
        keep = (scores > np.float32(score_threshold)).astype(np.float32)
        scores, boxes = scores * keep, boxes * keep[:, None]
    order = np.argsort(-scores, kind="stable")
    boxes = boxes[order]
    ymin, xmin, ymax, xmax = boxes.T
    area = (ymax - ymin) * (xmax - xmin)
    threshold = np.float32(iou_threshold)
    alive = []
    for i in range(len(order)):
        if alive:
            others = np.asarray(alive)
            inter = (np.maximum(np.minimum(xmax[i], xmax[others]) - np.maximum(xmin[i], xmin[others]), 0)
                     * np.maximum(np.minimum(ymax[i], ymax[others]) - np.maximum(ymin[i], ymin[others]), 0))
            iou = inter / (area[i] + area[others] - inter + np.float32(1e-8))
            if (iou >= threshold).any():
                continue
        alive.append(i)
    reported = [order[i] for i in alive if (boxes[i] > 0).any()][:max_output_size]
    return reported


@user_op
def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                               pad_to_max_output_size=False, name=None, sorted_input=False,
                               canonicalized_coordinates=False, tile_size=512):
    """(indices, valid counts); batches (`boxes` (..., n, 4)) need `pad_to_max_output_size=True`."""
    api = "non_max_suppression_padded"
    x, s = tensor(boxes), tensor(scores)
    if not pad_to_max_output_size and x.dim() > 2:
        raise ValueError(f"'pad_to_max_output_size' (value {pad_to_max_output_size}) must be True for batched "
                         "input")
    if x.dim() < 2 or x.shape[-1] != 4 or tuple(s.shape) != tuple(x.shape[:-1]):
        raise ValueError(f"tf.image.{api}: boxes must be (..., num_boxes, 4) and scores (..., num_boxes), received "
                         f"{tuple(x.shape)} and {tuple(s.shape)}")
    max_output_size = _max_output(max_output_size, api)
    batch_shape, count = tuple(x.shape[:-2]), x.shape[-2]
    flat_boxes = x.reshape(-1, count, 4).detach().cpu().numpy().astype(np.float32)
    flat_scores = s.reshape(-1, count).detach().cpu().numpy().astype(np.float32)
    if not canonicalized_coordinates and flat_boxes.size:  # TensorFlow decides from the very first box
        first = flat_boxes[0, 0]
        rows = [0, 2] if first[0] <= first[2] else [2, 0]
        columns = [1, 3] if first[1] <= first[3] else [3, 1]
        flat_boxes = flat_boxes[..., [rows[0], columns[0], rows[1], columns[1]]]
    picks = [_padded_one(b, sc, max_output_size, float(iou_threshold), float(score_threshold))
             for b, sc in zip(flat_boxes, flat_scores)]
    device = config.device()
    valid = torch.tensor([len(p) for p in picks], dtype=torch.int32, device=device)
    if not pad_to_max_output_size:
        return torch.tensor(picks[0], dtype=torch.int32, device=device).reshape(-1), valid[0]
    table = np.zeros((len(picks), max_output_size), dtype=np.int32)
    for row, p in enumerate(picks):
        table[row, :len(p)] = p
    indices = torch.from_numpy(table).to(device).reshape(*batch_shape, max_output_size)
    return indices, valid.reshape(batch_shape)


def _by_score(a, b):
    return a[1] < b[1]


def _per_class(geometry, class_scores, size_per_class, iou_threshold, score_threshold):
    heap = []
    for index, score in enumerate(class_scores.tolist()):
        if np.float32(score) > score_threshold:
            heap_push(heap, (index, np.float32(score)), _by_score)
    kept = []
    while len(kept) < size_per_class and heap:
        index, score = heap_pop(heap, _by_score)
        if kept and (iou_against(geometry, index, kept[::-1]) > iou_threshold).any():
            continue
        kept.append(index)
        yield index, score


@user_op
def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size, iou_threshold=0.5,
                                 score_threshold=float("-inf"), pad_per_class=False, clip_boxes=True, name=None):
    """(nmsed_boxes, nmsed_scores, nmsed_classes (float32), valid_detections (int32)) per image."""
    api = "combined_non_max_suppression"
    box_array = tensor(boxes).detach().cpu().numpy().astype(np.float32)
    score_array = tensor(scores).detach().cpu().numpy().astype(np.float32)
    if box_array.ndim != 4 or box_array.shape[-1] != 4:
        raise ValueError(f"tf.image.{api}: boxes must be 4-D (batch, num_boxes, q, 4), received shape "
                         f"{box_array.shape}")
    if score_array.ndim != 3 or score_array.shape[:2] != box_array.shape[:2]:
        raise ValueError(f"tf.image.{api}: scores must be 3-D (batch, num_boxes, num_classes) matching boxes, "
                         f"received shape {score_array.shape}")
    batch, count, q, _ = box_array.shape
    classes = score_array.shape[2]
    if q not in (1, classes):
        raise ValueError(f"tf.image.{api}: third dimension of boxes must be either 1 or num_classes ({classes}), "
                         f"received {q}")
    per_class = int(_scalar(max_output_size_per_class, api, "max_output_size_per_class"))
    total = int(_scalar(max_total_size, api, "max_total_size"))
    if per_class <= 0 or total <= 0:
        raise ValueError(f"tf.image.{api}: max_output_size_per_class and max_total_size must be > 0, received "
                         f"{per_class} and {total}")
    iou_threshold = np.float32(_threshold(iou_threshold, api))
    score_threshold = np.float32(float(score_threshold))
    size_per_class = min(per_class, count)
    width = min(per_class * classes, total) if pad_per_class else total
    out_boxes = np.zeros((batch, width, 4), np.float32)
    out_scores = np.zeros((batch, width), np.float32)
    out_classes = np.zeros((batch, width), np.float32)
    valid = np.zeros(batch, np.int32)
    for b in range(batch):
        slots = [(-1, np.float32(-1.0), -1)] * (size_per_class * classes)  # unfilled slots sort last
        for c in range(classes):
            geometry = corners(box_array[b, :, c if q > 1 else 0])
            for rank, (index, score) in enumerate(_per_class(geometry, score_array[b, :, c], size_per_class,
                                                             iou_threshold, score_threshold)):
                slots[c * size_per_class + rank] = (index, score, c)
        stl_sort(slots, lambda x, y: x[1] > y[1])
        found = sum(1 for slot in slots if slot[0] > -1)
        valid[b] = min(found, width)
        for row, (index, score, c) in enumerate(slots[:valid[b]]):
            coordinates = box_array[b, index, c if q > 1 else 0]
            out_boxes[b, row] = np.clip(coordinates, 0.0, 1.0) if clip_boxes else coordinates
            out_scores[b, row], out_classes[b, row] = score, c
    device = config.device()
    return tuple(torch.from_numpy(a).to(device) for a in (out_boxes, out_scores, out_classes, valid))
