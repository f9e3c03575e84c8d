"""The Keras 2 progress bar: `469/469 [==============================] - 2s 4ms/step - loss: 0.2631`.

Values may be 0-dim device tensors; they are turned into numbers only when a line is drawn, and a
line is drawn at most every `interval` seconds, so the training loop never waits on the device for
the sake of the display. Without a terminal only the final line of each bar is printed.
"""
import os
import sys
import time

from tkeras.utils import io_utils


def _to_number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _format_value(value, by_magnitude=True):
    """Four decimals above 1e-3, else scientific notation, as Keras draws logs: a zero metric shows as
    `0.0000e+00`, which readers of Keras logs know. The bar compares the magnitude; Keras' verbose=2
    epoch line compares the signed value (`by_magnitude=False`), so a negative loss there prints as
    `-1.2345e+00`. NaN and infinities read `nan`/`inf` either way."""
    value = _to_number(value)
    if isinstance(value, float):
        return f"{value:.4f}" if (abs(value) if by_magnitude else value) > 1e-3 else f"{value:.4e}"
    return str(value)


def _format_duration(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _format_per_unit(seconds, unit):
    if seconds >= 1 or seconds == 0:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


def dynamic_display():
    return (hasattr(sys.stdout, "isatty") and sys.stdout.isatty()) or "ipykernel" in sys.modules or \
        os.environ.get("TKERAS_DYNAMIC_DISPLAY") == "1"


class Progbar:
    def __init__(self, target, width=30, verbose=1, interval=0.1, stateful_metrics=None, unit_name="step"):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._dynamic = dynamic_display() and io_utils.is_interactive_logging_enabled()
        self._start = time.time()
        self._last_update = 0.0
        self._seen = 0
        self._values = {}
        self._unread = None  # the latest lazy batch logs, read only when a line is drawn
        self._previous_width = 0
        self._finished = False

    def update(self, current, values=None, finalize=None):
        """Record the latest values (already running averages) and redraw if it is time to.

        Batch logs that compute their values on first read (the fit loop's, marked `lazy`) are kept
        unread until a line is drawn: most batches are never shown, so their metric results are never
        computed. Each such logs object holds the same names, so the latest one stands for all.
        """
        if getattr(values, "lazy", False):
            self._unread = values
        elif values:
            self._read_unread()
            self._values.update(values)
        self._seen = current
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if self._finished:
            return
        self._finished = finalize
        now = time.time()
        if self.verbose == 1:
            if not finalize and (not self._dynamic or now - self._last_update < self.interval):
                return
            self._last_update = now
            line = self._bar_line(current, now, finalize)
            if not io_utils.is_interactive_logging_enabled():
                io_utils.print_msg(line)  # only the final line comes here: not dynamic
                return
            if self._dynamic:
                pad = max(0, self._previous_width - len(line))
                sys.stdout.write("\r" + line + " " * pad)
                self._previous_width = len(line)
            else:
                sys.stdout.write(line)
            if finalize:
                sys.stdout.write("\n")
            sys.stdout.flush()
        elif self.verbose == 2 and finalize:
            elapsed = now - self._start
            steps = max(current, 1)
            line = f"{current}/{self.target if self.target else current} - {elapsed:.0f}s"
            line += self._values_text(by_magnitude=False)
            line += f" - {_format_per_unit(elapsed, 'epoch')} - {_format_per_unit(elapsed / steps, self.unit_name)}"
            io_utils.print_msg(line)

    def add(self, n, values=None):
        self.update(self._seen + n, values)

    def _read_unread(self):
        if self._unread is not None:
            self._values.update(self._unread)
            self._unread = None

    def _values_text(self, by_magnitude=True):
        self._read_unread()
        return "".join(f" - {name}: {_format_value(value, by_magnitude)}" for name, value in self._values.items())

    def _bar_line(self, current, now, finalize):
        if self.target is not None:
            digits = len(str(self.target))
            line = f"{current:>{digits}}/{self.target} ["
            progress = min(current / self.target, 1.0) if self.target else 1.0
            filled = int(self.width * progress)
            if filled > 0:
                line += "=" * (filled - 1) + (">" if current < self.target else "=")
            line += "." * (self.width - filled) + "]"
        else:
            line = f"{current:>7}/Unknown"
        elapsed = now - self._start
        per_unit = elapsed / current if current else 0.0
        if finalize or self.target is None:
            line += f" - {elapsed:.0f}s {_format_per_unit(per_unit, self.unit_name)}"  # seconds only, even past 60
        else:
            line += f" - ETA: {_format_duration(per_unit * (self.target - current))}"
        return line + self._values_text()
