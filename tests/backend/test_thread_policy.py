"""OpenMP threads wait passively under tkeras unless the user chose (see backend/thread_policy.py).

Each case starts a fresh interpreter: libgomp reads the policy once, when torch loads it, so what
matters is the environment the first `import torch` sees.
"""
import os
import subprocess
import sys

import pytest

from tkeras.backend import thread_policy

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# What torch's OpenMP saw: the environment at the moment torch was loaded, recorded by an import hook.
_PROBE = """
import os, sys
class Probe:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" and "seen" not in globals():
            globals()["seen"] = os.environ.get("OMP_WAIT_POLICY")
        return None
sys.meta_path.insert(0, Probe())
{before}
import tkeras
print(repr(globals().get("seen", "torch loaded before the probe")))
"""


def _policy_seen_by_torch(env_updates, before=""):
    env = {k: v for k, v in os.environ.items() if k not in thread_policy.USER_SETTINGS}
    env.update(env_updates)
    env["PYTHONPATH"] = REPO
    result = subprocess.run([sys.executable, "-c", _PROBE.format(before=before)], capture_output=True,
                            text=True, env=env, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().splitlines()[-1]


def test_torch_loads_with_passive_waiting_by_default():
    assert _policy_seen_by_torch({}) == "'PASSIVE'"


@pytest.mark.parametrize("setting", [{"OMP_WAIT_POLICY": "ACTIVE"}, {"GOMP_SPINCOUNT": "300000"}])
def test_a_users_own_setting_is_left_alone(setting):
    expected = repr(setting.get("OMP_WAIT_POLICY"))
    assert _policy_seen_by_torch(setting) == expected


def test_torch_imported_first_keeps_torchs_default():
    assert _policy_seen_by_torch({}, before="import torch") == "None"


def test_the_decision_itself():
    environ = {}
    assert thread_policy.apply_default_wait_policy(environ, modules={}) is True
    assert environ == {"OMP_WAIT_POLICY": "PASSIVE"}
    assert thread_policy.apply_default_wait_policy({"GOMP_SPINCOUNT": "0"}, modules={}) is False
    assert thread_policy.apply_default_wait_policy({}, modules={"torch": object()}) is False
