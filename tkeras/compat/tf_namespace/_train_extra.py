"""`tf.train.checkpoints_iterator` (an evaluator following a trainer's checkpoints) and `ClusterSpec`
(the job -> task addresses table distributed scripts build; tkeras reads it, torchrun does the launching)."""
import time

from tkeras.compat.tf_namespace._checkpoint_manager import latest_checkpoint


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new latest checkpoint prefix in `checkpoint_dir` as it appears; stops after `timeout`
    seconds without a new one (unless `timeout_fn` returns False, which keeps it waiting)."""
    last = None
    while True:
        start = time.time()
        found = None
        while True:
            path = latest_checkpoint(checkpoint_dir)
            if path is not None and path != last:
                found = path
                break
            if timeout is not None and time.time() - start >= timeout:
                break
            time.sleep(min(1.0, timeout if timeout is not None else 1.0))
        if found is None:
            if timeout_fn is None or timeout_fn():
                return
            continue
        last = found
        started = time.time()
        yield found
        wait = min_interval_secs - (time.time() - started)
        if wait > 0:
            time.sleep(wait)


class ClusterSpec:
    """A {job: [address, ...] or {index: address}} table with TensorFlow's accessors."""

    def __init__(self, cluster):
        if isinstance(cluster, ClusterSpec):
            cluster = cluster.as_dict()
        if not isinstance(cluster, dict):
            raise TypeError("tf.train.ClusterSpec: `cluster` must be a dict of job name -> addresses, or a ClusterSpec")
        self._jobs = {}
        for job, tasks in cluster.items():
            if isinstance(tasks, dict):
                self._jobs[job] = {int(i): str(a) for i, a in tasks.items()}
            elif isinstance(tasks, (list, tuple)):
                self._jobs[job] = {i: str(a) for i, a in enumerate(tasks)}
            else:
                raise TypeError(f"tf.train.ClusterSpec: tasks of job {job!r} must be a list or a dict")

    @property
    def jobs(self):
        """In the order the table was written (TensorFlow's order; `repr` alone sorts)."""
        return list(self._jobs)

    def num_tasks(self, job_name):
        return len(self._job(job_name))

    def task_indices(self, job_name):
        return sorted(self._job(job_name))

    def task_address(self, job_name, task_index):
        tasks = self._job(job_name)
        if task_index not in tasks:
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}")
        return tasks[task_index]

    def job_tasks(self, job_name):
        tasks = self._job(job_name)
        return [tasks.get(i) for i in range(max(tasks) + 1)] if tasks else []

    def _job(self, job_name):
        if job_name not in self._jobs:
            raise ValueError(f"No such job in cluster: {job_name!r}")
        return self._jobs[job_name]

    def as_dict(self):
        out = {}
        for job, tasks in self._jobs.items():
            dense = sorted(tasks) == list(range(len(tasks)))
            out[job] = [tasks[i] for i in range(len(tasks))] if dense else dict(tasks)
        return out

    def __bool__(self):
        return bool(self._jobs)

    def __eq__(self, other):
        return isinstance(other, ClusterSpec) and self._jobs == other._jobs

    def __repr__(self):
        table = self.as_dict()
        return "ClusterSpec({" + ", ".join(f"{job!r}: {table[job]!r}" for job in sorted(table)) + "})"
