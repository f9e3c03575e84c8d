"""`plot_history(history)`: the loss and accuracy curves the tutorials draw by hand after fit()."""
import os


def plot_history(history, metrics=None, path=None, show=None):
    """Draw training vs validation curves, one figure per metric ('loss' and the accuracy by default).

    `history` is what fit() returned (or its `.history` dict). With `path` ('curves.png', or a folder such
    as 'curves'), figures are saved there ('curves_loss.png' ..., or 'loss.png', 'accuracy.png' in the
    folder); otherwise they are shown. Returns
    the matplotlib figures. Without a display matplotlib draws off-screen by itself, and under
    `tkeras run` showing saves `figure_N.png` files.

    Example:
        history = model.fit(x, y, validation_split=0.2, epochs=10)
        keras.utils.plot_history(history)                    # loss and accuracy, train vs validation
        keras.utils.plot_history(history, path="curves")     # curves/loss.png, curves/accuracy.png
    """
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plot_history needs matplotlib: pip install matplotlib") from None
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(f"plot_history expects the History returned by fit() (or its .history dict), "
                         f"received {type(history).__name__}")
    if metrics is None:
        metrics = [name for name in logs if not name.startswith("val_")]
    elif isinstance(metrics, str):
        metrics = [metrics]
    unknown = [m for m in metrics if m not in logs]
    if unknown:
        raise ValueError(f"plot_history: no such metric(s) {unknown} in the history; it has {sorted(logs)}")
    figures = []
    for name in metrics:
        figure = plt.figure(figsize=(8, 5))
        epochs = range(1, len(logs[name]) + 1)
        plt.plot(epochs, logs[name], "bo", label=f"Training {name}")
        if "val_" + name in logs:
            plt.plot(range(1, len(logs["val_" + name]) + 1), logs["val_" + name], "b", label=f"Validation {name}")
        plt.title(f"Training and validation {name}")
        plt.xlabel("Epochs")
        plt.ylabel(name)
        plt.legend()
        figures.append(figure)
        if path is not None:
            folder = os.path.isdir(path) or not os.path.splitext(path)[1]  # 'curves' names a folder
            if folder:
                os.makedirs(path, exist_ok=True)
            target = os.path.join(path, f"{name}.png") if folder else (
                path if len(metrics) == 1 else f"{os.path.splitext(path)[0]}_{name}.png")
            figure.savefig(target)
            plt.close(figure)  # saved: a later plt.show() should not show (or, under tkeras run, save) it again
    if path is None and (show is None or show):
        plt.show()
    return figures
