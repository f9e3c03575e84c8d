"""`keras.utils.TimedThread` (tf-keras 2): call `on_interval()` every `interval` seconds in a background
thread, e.g. to log progress or watch resources while `fit` runs. Use `start()`/`stop()` or a `with`
block; subclass it together with Callback to have both `self.model` and the timer."""
import logging
import threading


class TimedThread:
    def __init__(self, interval, **kwargs):
        self.interval = interval
        self.daemon = kwargs.pop("daemon", True)  # a timer should not keep the interpreter alive
        self.thread_kwargs = kwargs
        self.thread = None
        self.thread_stop_event = None

    def _loop(self):
        while not self.thread_stop_event.is_set():
            self.on_interval()
            self.thread_stop_event.wait(self.interval)

    def start(self):
        """Start calling on_interval() (at once, then every `interval` seconds)."""
        if self.thread is not None and self.thread.is_alive():
            logging.getLogger("tkeras").warning("TimedThread: the thread is already running.")
            return
        self.thread_stop_event = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=self.daemon, **self.thread_kwargs)
        self.thread.start()

    def stop(self):
        """Ask the thread to end; it does so before its next call of on_interval()."""
        if self.thread_stop_event is not None:
            self.thread_stop_event.set()

    def is_alive(self):
        return self.thread is not None and self.thread.is_alive()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def on_interval(self):
        raise NotImplementedError(f"{type(self).__name__} must implement on_interval(), which the thread calls "
                                  f"every {self.interval} seconds")
