"""`tf.distribute.cluster_resolver`: who is in the cluster and which task this process is.

Multi-worker scripts (Hands-On ML ch. 19, the multi_worker_with_keras tutorial) read the `TF_CONFIG`
environment variable through `TFConfigClusterResolver` to learn their task type and index, e.g. so
that only the chief saves the model. tkeras launches workers with torchrun rather than from that table,
but the resolver is plain bookkeeping, so it answers from `TF_CONFIG` as TensorFlow does: read afresh
at every question, a missing variable meaning an empty cluster with no task.
"""
import collections
import json
import os

from tkeras.compat.tf_namespace._train_extra import ClusterSpec

_TF_CONFIG = "TF_CONFIG"


def _tf_config():
    return json.loads(os.environ.get(_TF_CONFIG, "{}"))


def _with_rpc_layer(address, rpc_layer):
    return f"{rpc_layer}://{address}" if rpc_layer else address


def _local_accelerators():
    """Accelerators of this machine by TensorFlow's device type name; a CPU-only machine has none."""
    import torch
    counts = collections.defaultdict(int)
    if torch.cuda.is_available() and torch.cuda.device_count():
        counts["GPU"] = torch.cuda.device_count()
    return counts


class ClusterResolver:
    """The questions every resolver answers: the cluster, this task, its accelerators."""

    task_type = None
    task_id = None
    rpc_layer = None

    def cluster_spec(self):
        raise NotImplementedError(f"{type(self).__name__} must define cluster_spec()")

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        raise NotImplementedError(f"{type(self).__name__} must define master()")

    def num_accelerators(self, task_type=None, task_id=None, config_proto=None):
        return _local_accelerators()

    @property
    def environment(self):
        return ""


class TFConfigClusterResolver(ClusterResolver):
    """The cluster and task that `TF_CONFIG` describes; arguments given here override its task fields."""

    def __init__(self, task_type=None, task_id=None, rpc_layer=None, environment=None):
        self._task_type = task_type
        self._task_id = task_id
        self._rpc_layer = rpc_layer
        self._environment = environment

    @property
    def task_type(self):
        if self._task_type is not None:
            return str(self._task_type)
        task = _tf_config().get("task", {})
        return str(task["type"]) if "type" in task else None

    @task_type.setter
    def task_type(self, task_type):
        self._task_type = task_type

    @property
    def task_id(self):
        if self._task_id is not None:
            return int(self._task_id)
        task = _tf_config().get("task", {})
        return int(task["index"]) if "index" in task else None

    @task_id.setter
    def task_id(self, task_id):
        self._task_id = task_id

    @property
    def rpc_layer(self):
        return self._rpc_layer if self._rpc_layer is not None else _tf_config().get("rpc_layer")

    @rpc_layer.setter
    def rpc_layer(self, rpc_layer):
        self._rpc_layer = rpc_layer

    @property
    def environment(self):
        """Only what was given to the constructor: TensorFlow does not read it from `TF_CONFIG`."""
        return self._environment

    def cluster_spec(self):
        return ClusterSpec(_tf_config().get("cluster", {}))

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        """The address of a task (this one by default); '' when the cluster is a single task."""
        session_master = _tf_config().get("session_master")
        if session_master is not None:
            return session_master
        cluster = self.cluster_spec()
        jobs = cluster.jobs
        if not jobs or (len(jobs) == 1 and len(cluster.job_tasks(jobs[0])) == 1):
            return ""
        task_type = self.task_type if task_type is None else task_type
        task_id = self.task_id if task_id is None else task_id
        rpc_layer = self.rpc_layer if rpc_layer is None else rpc_layer
        return _with_rpc_layer(cluster.task_address(task_type, task_id), rpc_layer)


class SimpleClusterResolver(ClusterResolver):
    """A resolver over a ClusterSpec the script already holds (tests, hand-written clusters)."""

    def __init__(self, cluster_spec, master="", task_type=None, task_id=None, environment="",
                 num_accelerators=None, rpc_layer=None):
        self._cluster_spec = cluster_spec
        self._master = master
        self.task_type = task_type
        self.task_id = task_id
        self._environment = environment
        self._num_accelerators = num_accelerators
        self.rpc_layer = rpc_layer

    def cluster_spec(self):
        return self._cluster_spec

    def master(self, task_type=None, task_id=None, rpc_layer=None):
        rpc_layer = self.rpc_layer if rpc_layer is None else rpc_layer
        if task_type is not None and task_id is not None:
            return _with_rpc_layer(self._cluster_spec.task_address(task_type, task_id), rpc_layer)
        return _with_rpc_layer(self._master, rpc_layer)

    @property
    def environment(self):
        return self._environment

    def num_accelerators(self, task_type=None, task_id=None, config_proto=None):
        return self._num_accelerators or {}
