"""Keras 1/2 training methods that Keras 3 removed, kept as thin translations onto fit/evaluate/predict.

`fit_generator(samples_per_epoch=...)`, `evaluate_generator(val_samples=...)`, `predict_classes`:
tutorials from 2017-2020 call them, so they stay, each turning the old arguments (sample counts,
worker-queue options) into what the Keras 3 method takes.
"""
import itertools
import math

from tkeras.training import data_adapter


class LegacyTrainingMethods:
    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10,
                      workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0, **kwargs):
        epochs = kwargs.pop("nb_epoch", epochs)
        _drop_keras1_worker_options(kwargs)
        if "samples_per_epoch" in kwargs:  # Keras 1 counted samples: steps = ceil(samples / batch size)
            generator, steps = _samples_to_steps(generator, kwargs.pop("samples_per_epoch"))
            steps_per_epoch = steps_per_epoch or steps
        if "nb_val_samples" in kwargs and validation_data is not None and not isinstance(validation_data, tuple):
            validation_data, steps = _samples_to_steps(validation_data, kwargs.pop("nb_val_samples"))
            validation_steps = validation_steps or steps
        kwargs.pop("nb_val_samples", None)  # with (x, y) validation arrays Keras 1 ignored it too
        if kwargs:
            raise TypeError(f"fit_generator() got unexpected keyword argument(s) {sorted(kwargs)}")
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                        class_weight=class_weight, shuffle=shuffle, initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0, **kwargs):
        generator, steps = _keras1_inference_steps("evaluate_generator", generator, steps, kwargs)
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0, **kwargs):
        generator, steps = _keras1_inference_steps("predict_generator", generator, steps, kwargs)
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 1/2 (removed in 2.6): class indices, or 0/1 for a single sigmoid output."""
        proba = self.predict(x, batch_size=batch_size, verbose=verbose)
        if proba.shape[-1] > 1:
            return proba.argmax(axis=-1)
        return (proba > 0.5).astype("int32")

    def predict_proba(self, x, batch_size=32, verbose=0):
        return self.predict(x, batch_size=batch_size, verbose=verbose)


def _drop_keras1_worker_options(kwargs):
    for name in ("nb_worker", "pickle_safe", "max_q_size"):  # Keras 1 queue options; batches are drawn in-thread
        kwargs.pop(name, None)


def _keras1_inference_steps(method, generator, steps, kwargs):
    """evaluate/predict_generator's Keras 1 arguments (`val_samples`, queue options) -> (generator, steps)."""
    _drop_keras1_worker_options(kwargs)
    if "val_samples" in kwargs:
        generator, steps = _samples_to_steps(generator, kwargs.pop("val_samples"))
    if kwargs:
        raise TypeError(f"{method}() got unexpected keyword argument(s) {sorted(kwargs)}")
    return generator, steps


def _samples_to_steps(generator, samples):
    """Keras 1 sample counts -> steps, from the batch size of the first batch (which is put back)."""
    if hasattr(generator, "__getitem__") and hasattr(generator, "__len__"):  # a Sequence: index it
        first = generator[0]
    else:
        first = next(generator)
        generator = itertools.chain([first], generator)
    x, _, _ = data_adapter.unpack(first)
    batch = data_adapter.batch_size_of(x)
    return generator, max(1, math.ceil(int(samples) / batch))
