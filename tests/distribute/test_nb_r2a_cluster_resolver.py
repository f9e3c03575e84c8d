"""`tf.distribute.cluster_resolver.TFConfigClusterResolver` and `tf.train.ClusterSpec` answer as TensorFlow 2.21.

Hands-On ML ch. 19 (both editions) builds a TF_CONFIG for a worker/ps cluster and asks the resolver for
`cluster_spec()`, `task_type` and `task_id`; the multi-worker training script it writes lets only the chief
save. The answers were recorded from TensorFlow by tests/fixtures/make_nb_r2a_cluster_resolver_reference.py.
"""
import json
from pathlib import Path

import pytest

from tkeras.compat import tf_namespace as tf

REFERENCE = json.loads((Path(__file__).parents[1] / "fixtures" /
                        "nb_r2a_cluster_resolver_reference.json").read_text())


def _describe_resolver(resolver):
    spec = resolver.cluster_spec()
    try:
        master = resolver.master()
    except ValueError as error:
        master = f"ValueError: {error}"
    return {"cluster_spec": repr(spec), "jobs": spec.jobs, "task_type": resolver.task_type,
            "task_id": resolver.task_id, "rpc_layer": resolver.rpc_layer, "master": master,
            "environment": resolver.environment}


@pytest.mark.parametrize("case", REFERENCE["resolvers"], ids=lambda case: json.dumps(case["overrides"])[:40])
def test_tf_config_resolver_answers_as_tensorflow(case, monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    if case["tf_config"] is not None:
        monkeypatch.setenv("TF_CONFIG", json.dumps(case["tf_config"]))
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver(**case["overrides"])
    assert _describe_resolver(resolver) == case["answers"]


def test_resolver_reads_tf_config_at_each_question(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1", "b:2"]},
                                                "task": {"type": "worker", "index": 0}}))
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    assert resolver.task_id == 0
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {"worker": ["a:1", "b:2"]},
                                                "task": {"type": "worker", "index": 1}}))
    assert resolver.task_id == 1
    resolver.task_type, resolver.task_id = "ps", 3
    assert (resolver.task_type, resolver.task_id) == ("ps", 3)


@pytest.mark.parametrize("case", REFERENCE["clusters"], ids=lambda case: ",".join(case["table"]) or "empty")
def test_cluster_spec_answers_as_tensorflow(case):
    table = {job: ({int(i): a for i, a in tasks.items()} if isinstance(tasks, dict) else tasks)
             for job, tasks in case["table"].items()}
    spec = tf.train.ClusterSpec(table)
    answers = case["answers"]
    assert repr(spec) == answers["repr"]
    assert spec.jobs == answers["jobs"]
    assert bool(spec) == answers["bool"]
    assert repr(spec.as_dict()) == answers["as_dict"]
    for job, expected in answers["per_job"].items():
        assert spec.num_tasks(job) == expected["num_tasks"]
        assert spec.task_indices(job) == expected["task_indices"]
        assert spec.job_tasks(job) == expected["job_tasks"]


def test_simple_resolver_formats_addresses():
    spec = tf.train.ClusterSpec({"worker": ["a:1", "b:2"]})
    resolver = tf.distribute.cluster_resolver.SimpleClusterResolver(spec, master="m:1", task_type="worker",
                                                                    task_id=1, rpc_layer="grpc")
    assert resolver.cluster_spec() is spec
    assert resolver.master() == "grpc://m:1"
    assert resolver.master("worker", 0) == "grpc://a:1"
    assert (resolver.task_type, resolver.task_id, resolver.num_accelerators()) == ("worker", 1, {})
