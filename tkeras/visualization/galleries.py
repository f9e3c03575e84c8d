"""Image galleries with matplotlib: images in a grid, optionally with class labels, boxes or masks.

matplotlib is optional: each function says how to install it when it is missing. The grid layout
and value scaling follow Keras (rows = ceil(sqrt(batch)), cols = batch // rows unless given).
"""
import math

import numpy as np

from tkeras.backend import config
from tkeras.visualization.drawing import _batched, _numpy, draw_bounding_boxes, draw_segmentation_masks


def _pyplot(function):
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(f"{function} plots with matplotlib: pip install matplotlib") from None
    return plt


def gallery_grid(batch_size, rows=None, cols=None):
    """(rows, cols) of a gallery, as Keras lays it out."""
    rows = rows or int(math.ceil(math.sqrt(batch_size)))
    cols = cols or int(math.ceil(batch_size // rows))
    return rows, cols


def to_pixel_range(images, value_range):
    """Images rescaled linearly from `value_range` to [0, 255] (float32)."""
    low, high = value_range
    images = _numpy(images).astype("float32")
    return (images - low) * (255.0 / (high - low))


def plot_image_gallery(images, y_true=None, y_pred=None, label_map=None, rows=None, cols=None, value_range=(0, 255),
                       scale=2, path=None, show=None, transparent=True, dpi=60, legend_handles=None,
                       data_format=None):
    """Show (or save to `path`) a grid of images, titled with `label_map[y_true]` / `label_map[y_pred]`."""
    plt = _pyplot("plot_image_gallery")
    if path is not None and show:
        raise ValueError("plot_image_gallery: give either path= (save the figure) or show=True, not both")
    if (y_true is not None or y_pred is not None) and label_map is None:
        raise ValueError("plot_image_gallery: y_true/y_pred need a label_map (class id -> name)")
    show = show if show is not None else path is None
    images = _batched(images, "plot_image_gallery")
    rows, cols = gallery_grid(images.shape[0], rows, cols)
    images = images[:min(rows * cols, images.shape[0])]
    if (data_format or config.image_data_format()) == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    images = to_pixel_range(images, value_range)
    figure, axes = plt.subplots(nrows=rows, ncols=cols, figsize=(cols * scale, rows * scale), frameon=False,
                                layout="tight", squeeze=False, sharex="row", sharey="col")
    figure.subplots_adjust(wspace=0, hspace=0)
    if legend_handles is not None:
        figure.legend(handles=legend_handles, loc="lower center")
    y_true = None if y_true is None else _numpy(y_true)
    y_pred = None if y_pred is None else _numpy(y_pred)
    for index in range(min(rows * cols, len(images))):
        axis = axes[index // cols, index % cols]
        axis.imshow(images[index].astype("uint8"))
        axis.margins(x=0, y=0)
        axis.axis("off")
        title = []
        if y_true is not None and index < len(y_true):
            title.append(f"Label: {label_map.get(y_true[index], 'Unknown')}")
        if y_pred is not None and index < len(y_pred):
            title.append(f"Pred: {label_map.get(y_pred[index], 'Unknown')}")
        if title:
            axis.set_title("  ".join(title), fontsize=8)
    if path is not None:
        plt.savefig(fname=path, pad_inches=0, bbox_inches="tight", transparent=transparent, dpi=dpi)
        plt.close()
    elif show:
        plt.show()
        plt.close()


def plot_bounding_box_gallery(images, bounding_box_format, y_true=None, y_pred=None, value_range=(0, 255),
                              true_color=(0, 188, 212), pred_color=(255, 235, 59), line_thickness=2, font_scale=1.0,
                              text_thickness=None, class_mapping=None, ground_truth_mapping=None,
                              prediction_mapping=None, legend=False, legend_handles=None, rows=None, cols=None,
                              data_format=None, **kwargs):
    """A gallery of images with the true boxes in `true_color` and the predicted ones in `pred_color`."""
    _pyplot("plot_bounding_box_gallery")
    from matplotlib import patches
    if legend and legend_handles:
        raise ValueError("plot_bounding_box_gallery: pass legend=True or legend_handles=, not both")
    images = _batched(images, "plot_bounding_box_gallery")
    if (data_format or config.image_data_format()) == "channels_first":
        images = images.transpose(0, 2, 3, 1)
    drawn = images
    for boxes, color, mapping in ((y_true, true_color, ground_truth_mapping or class_mapping),
                                  (y_pred, pred_color, prediction_mapping or class_mapping)):
        if boxes is not None:
            drawn = draw_bounding_boxes(drawn, boxes, bounding_box_format, class_mapping=mapping, color=color,
                                        line_thickness=line_thickness, text_thickness=text_thickness,
                                        font_scale=font_scale, data_format="channels_last")
    if legend:
        legend_handles = [patches.Patch(color=np.array(true_color) / 255.0, label="Ground Truth"),
                          patches.Patch(color=np.array(pred_color) / 255.0, label="Prediction")]
    return plot_image_gallery(drawn, value_range=value_range, legend_handles=legend_handles, rows=rows, cols=cols,
                              data_format="channels_last", **kwargs)


def segmentation_gallery_images(images, num_classes, y_true=None, y_pred=None, color_mapping=None, blend=True,
                                alpha=0.8, ignore_index=-1, data_format=None):
    """The rows of a segmentation gallery: each image, then its true and predicted masks drawn on it."""
    images = _batched(images, "plot_segmentation_mask_gallery")
    channels_first = (data_format or config.image_data_format()) == "channels_first"
    if channels_first:
        images = images.transpose(0, 2, 3, 1)
    drawn = []
    for masks in (y_true, y_pred):
        if masks is not None:
            masks = _numpy(masks)
            masks = (masks.transpose(0, 2, 3, 1) if channels_first else masks).astype("int32")
            drawn.append(draw_segmentation_masks(images, masks, num_classes=num_classes, color_mapping=color_mapping,
                                                 alpha=alpha, blend=blend, ignore_index=ignore_index,
                                                 data_format="channels_last"))
    return np.stack([panel for i in range(len(images)) for panel in [images[i]] + [d[i] for d in drawn]])


def plot_segmentation_mask_gallery(images, num_classes, value_range=(0, 255), y_true=None, y_pred=None,
                                   color_mapping=None, blend=True, alpha=0.8, ignore_index=-1, data_format=None,
                                   **kwargs):
    """One row per image: the image, its true masks, its predicted masks."""
    _pyplot("plot_segmentation_mask_gallery")
    panels = segmentation_gallery_images(images, num_classes, y_true, y_pred, color_mapping, blend, alpha,
                                         ignore_index, data_format)
    cols = 1 + (y_true is not None) + (y_pred is not None)
    return plot_image_gallery(panels, value_range=value_range, rows=len(panels) // cols, cols=cols,
                              data_format="channels_last", **kwargs)
