"""RemoteMonitor: POST each epoch's logs to an HTTP server (a live dashboard, a chat hook).

The body is what Keras sends: `{"epoch": epoch, **logs}` as JSON, either form-encoded under `field`
(`data={...}` by default) or, with `send_as_json=True`, as the raw JSON body. Keras uses `requests`;
the standard library's urllib does the same here, so nothing needs installing. A server that cannot
be reached (or answers an HTTP error) gives a warning, never a failed `fit`; `timeout` (seconds)
bounds how long one epoch end may wait for it.
"""
import json
import numbers
import warnings

from tkeras.callbacks.callback import Callback


class RemoteMonitor(Callback):
    def __init__(self, root="http://localhost:9000", path="/publish/epoch/end/", field="data", headers=None,
                 send_as_json=False, timeout=10.0):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json
        self.timeout = timeout

    def on_epoch_end(self, epoch, logs=None):
        import urllib.error  # here, not at import: urllib.request pulls in http.client and email
        import urllib.parse
        import urllib.request
        send = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = _plain(value)
        if self.send_as_json:
            body = json.dumps(send).encode("utf-8")
            content_type = "application/json"
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode("utf-8")
            content_type = "application/x-www-form-urlencoded"
        headers = {"Content-Type": content_type, **(self.headers or {})}
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError, ValueError) as error:
            warnings.warn(f"Could not reach RemoteMonitor root server at {self.root} ({error})", stacklevel=2)


def _plain(value):
    """A log value as JSON can carry it: NumPy scalars and 0-d tensors become Python numbers."""
    if isinstance(value, (bool, str, numbers.Number)) and not hasattr(value, "item"):
        return value
    if hasattr(value, "item"):
        try:
            return value.item()
        except (ValueError, RuntimeError):
            pass
    if hasattr(value, "tolist"):
        return value.tolist()
    return value
