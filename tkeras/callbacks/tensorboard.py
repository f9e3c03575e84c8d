"""TensorBoard: epoch (and optionally batch) scalars, weight histograms and the learning rate, written
to `log_dir/train` and `log_dir/validation`, the folders Keras uses. With the `tensorboard` package
installed torch's SummaryWriter (`torch.utils.tensorboard`) writes them; without it a plain-Python event
file writer does (event_file_writer.py), since Keras' callback needs nothing beyond TensorFlow itself."""
import os

from tkeras.callbacks.callback import Callback


class TensorBoard(Callback):
    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
                 embeddings_metadata=None, **kwargs):
        super().__init__()
        kwargs.pop("batch_size", None), kwargs.pop("write_grads", None)  # Keras 1/2 arguments, no effect
        if kwargs:
            raise TypeError(f"TensorBoard: unexpected keyword argument(s) {sorted(kwargs)}")
        self._writer_class = None
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self._writers = {}
        self._train_step = 0

    def set_model(self, model):
        super().set_model(model)
        if self._writer_class is None:
            from tkeras.callbacks.event_file_writer import summary_writer_class
            self._writer_class = summary_writer_class()

    def _writer(self, kind):
        if kind not in self._writers:
            self._writers[kind] = self._writer_class(os.path.join(self.log_dir, kind))
        return self._writers[kind]

    def _implements(self, hook):
        if hook == "on_train_batch_end":
            return self.update_freq != "epoch"
        return super()._implements(hook)

    def on_train_batch_end(self, batch, logs=None):
        self._train_step += 1
        if self.update_freq == "epoch" or self._train_step % int(self.update_freq):
            return
        for name, value in dict(logs or {}).items():
            self._writer("train").add_scalar(f"batch_{name}", float(value), self._train_step)

    def on_epoch_end(self, epoch, logs=None):
        for name, value in dict(logs or {}).items():
            kind, tag = ("validation", name[4:]) if name.startswith("val_") else ("train", name)
            try:
                self._writer(kind).add_scalar(f"epoch_{tag}", float(value), epoch)
            except (TypeError, ValueError):
                continue
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and getattr(optimizer, "learning_rate", None) is not None:
            try:
                self._writer("train").add_scalar("epoch_learning_rate", float(optimizer.learning_rate), epoch)
            except (TypeError, ValueError):
                pass
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            for weight in self.model.weights:
                # Keras suffixes the tag so that a weight's histogram and image never share one.
                tag = getattr(weight, "path", weight.name).replace(":", "_") + "/histogram"
                self._writer("train").add_histogram(tag, weight.detach().cpu(), epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_test_end(self, logs=None):
        """Each evaluation (fit's validation or a separate `evaluate`) is also logged against the optimizer's
        step count, as `evaluation_<name>_vs_iterations` in the validation folder, as Keras does; unlike the
        epoch scalars these keep apart evaluations that fall within one epoch number."""
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or getattr(optimizer, "iterations", None) is None or not logs:
            return
        step = int(optimizer.iterations)
        for name, value in dict(logs).items():
            try:
                self._writer("validation").add_scalar(f"evaluation_{name}_vs_iterations", float(value), step)
            except (TypeError, ValueError):
                continue
        self._writer("validation").flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}
