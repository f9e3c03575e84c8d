"""RemoteMonitor posts each epoch's logs to a local http.server (127.0.0.1 only, bounded in time)."""
import http.server
import json
import socket
import threading
import urllib.parse

import numpy as np
import pytest

from tests.callbacks.conftest import drive
from tkeras.callbacks import RemoteMonitor


class Recorder(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Recorder.received.append((self.path, dict(self.headers), body.decode("utf-8")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Recorder.received = []
    httpd = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    httpd.timeout = 5
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


def test_form_encoded_post_per_epoch(model, server):
    logs = [{"loss": np.float32(0.5), "accuracy": 0.75}, {"loss": 0.25, "accuracy": np.float64(0.875)}]
    drive([RemoteMonitor(root=server, timeout=5)], model, logs)
    assert [path for path, _, _ in Recorder.received] == ["/publish/epoch/end/"] * 2
    path, headers, body = Recorder.received[1]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = urllib.parse.parse_qs(body)
    assert list(fields) == ["data"]
    assert json.loads(fields["data"][0]) == {"epoch": 1, "loss": 0.25, "accuracy": 0.875}
    assert json.loads(urllib.parse.parse_qs(Recorder.received[0][2])["data"][0]) == {
        "epoch": 0, "loss": 0.5, "accuracy": 0.75}


def test_json_body_custom_path_field_and_headers(model, server):
    monitor = RemoteMonitor(root=server, path="/hook", send_as_json=True, headers={"X-Run": "seven"}, timeout=5)
    drive([monitor], model, [{"loss": 1.5}])
    (path, headers, body), = Recorder.received
    assert path == "/hook" and headers["X-Run"] == "seven"
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"epoch": 0, "loss": 1.5}


def test_unreachable_server_warns_and_training_goes_on(model):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.warns(UserWarning, match=f"Could not reach RemoteMonitor root server at http://127.0.0.1:{port}"):
        epochs = drive([RemoteMonitor(root=f"http://127.0.0.1:{port}", timeout=2)], model, [{"loss": 1.0}] * 2)
    assert epochs == 2
