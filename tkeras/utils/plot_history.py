"""`plot_history(history)`: the loss and accuracy curves the tutorials draw by hand after fit()."""
import os


def plot_history(history, metrics=None, path=None, show=None):
    """Draw training vs validation curves, one figure per metric ('loss' and the accuracy by default).

    `history` is what fit() returned (or its `.history` dict). With `path` ('curves.png' or a folder),
    figures are saved there ('loss.png', 'accuracy.png' in a folder); otherwise they are shown. Returns
    the matplotlib figures.
    """
    try:
        import matplotlib
        if path is not None and not os.environ.get("DISPLAY"):
            matplotlib.use("Agg")
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
            target = os.path.join(path, f"{name}.png") if os.path.isdir(path) else (
                path if len(metrics) == 1 else f"{os.path.splitext(path)[0]}_{name}.png")
            figure.savefig(target)
    if path is None and (show is None or show):
        plt.show()
    return figures
