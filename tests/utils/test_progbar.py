"""The progress bar reads the fit loop's lazy batch logs only when it draws a line, so batches that are
never shown cost no metric results."""
from tkeras.training.step_logs import MetricLogs as _MetricLogs
from tkeras.utils.progbar import Progbar


class _CountingMetric:
    name = "loss"

    def __init__(self, value):
        self.value, self.reads = value, 0

    def result(self):
        self.reads += 1
        return self.value


def test_lazy_batch_logs_are_read_once_when_the_epoch_line_is_drawn(capsys):
    bar = Progbar(target=3, verbose=2)
    metrics = [_CountingMetric(loss) for loss in (3.0, 2.0, 1.0)]
    for step, metric in enumerate(metrics, start=1):
        bar.update(step, _MetricLogs([metric]), finalize=False)
    assert [m.reads for m in metrics] == [0, 0, 0]
    bar.update(3, {"val_loss": 0.5}, finalize=True)
    assert [m.reads for m in metrics] == [0, 0, 1]
    assert capsys.readouterr().out.startswith("3/3 - 0s - loss: 1.0000 - val_loss: 0.5000 - ")


def test_plain_values_still_accumulate_across_updates(capsys):
    bar = Progbar(target=2, verbose=2)
    bar.update(1, [("loss", 4.0)])
    bar.update(2, {"acc": 0.25}, finalize=True)
    assert capsys.readouterr().out.startswith("2/2 - 0s - loss: 4.0000 - acc: 0.2500 - ")
