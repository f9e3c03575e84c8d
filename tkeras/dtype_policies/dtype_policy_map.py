"""A dtype policy per layer path (`keras.dtype_policies.DTypePolicyMap`).

Keras uses it in the configs of composite layers whose sublayers were quantized separately: the
key is a sublayer's path ("encoder/dense") or a regular expression over paths ("encoder/.*"), the
value its policy; a path no key matches gets the default policy.
"""
import re
from collections.abc import MutableMapping

from tkeras.dtype_policies.dtype_policy import DTypePolicy


class DTypePolicyMap(DTypePolicy, MutableMapping):
    """Layer path -> DTypePolicy; an exact key wins, else the one key that matches as a regex."""

    def __init__(self, default_policy=None, policy_map=None):
        from tkeras import dtype_policies
        if isinstance(default_policy, DTypePolicyMap):
            raise ValueError("DTypePolicyMap: default_policy cannot itself be a DTypePolicyMap")
        if policy_map is not None and not isinstance(policy_map, dict):
            raise TypeError(f"DTypePolicyMap: policy_map must be a dict of path -> policy; received "
                            f"{type(policy_map).__name__}")
        self._default_policy_arg = default_policy
        self._default_policy = dtype_policies.get(default_policy)
        self._policy_map = {}
        for key, policy in (policy_map or {}).items():
            self[key] = policy
        self._quantization_mode = None

    @property
    def name(self):
        return f"map_{self.default_policy.name}"

    @property
    def _name(self):
        return self.name

    @_name.setter
    def _name(self, value):  # DTypePolicy's methods read `_name`; the map's is derived, never stored
        pass

    @property
    def default_policy(self):
        return self._default_policy

    @property
    def compute_dtype(self):
        return self._default_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._default_policy.variable_dtype

    @property
    def quantization_mode(self):
        return self._default_policy.quantization_mode

    def __getitem__(self, key):
        if key in self._policy_map:
            return self._policy_map[key]
        matches = [pattern for pattern in self._policy_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"DTypePolicyMap: path {key!r} matches several keys {matches}; make each path "
                             f"match at most one key")
        return self._policy_map[matches[0]] if matches else self._default_policy

    def __setitem__(self, key, policy):
        from tkeras import dtype_policies
        if key in self._policy_map:
            raise ValueError(f"DTypePolicyMap: key {key!r} already holds {self._policy_map[key]!r}; delete it "
                             f"first to replace it")
        try:
            policy = dtype_policies.get(policy)
        except (ValueError, TypeError) as error:
            raise ValueError(f"DTypePolicyMap[{key!r}]: {policy!r} is not a dtype policy ({error})") from None
        self._policy_map[key] = policy

    def __delitem__(self, key):
        del self._policy_map[key]

    def __contains__(self, key):
        return key in self._policy_map

    def __len__(self):
        return len(self._policy_map)

    def __iter__(self):
        return iter(self._policy_map)

    def __eq__(self, other):
        return (isinstance(other, DTypePolicyMap) and self._default_policy == other._default_policy
                and self._policy_map == other._policy_map)

    __hash__ = None

    def get_config(self):
        from tkeras.saving.serialization import serialize_keras_object
        return {"default_policy": self._default_policy_arg,
                "policy_map": serialize_keras_object(self._policy_map)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from tkeras import dtype_policies
        config = dict(config)
        config["policy_map"] = {key: dtype_policies.deserialize(value, custom_objects)
                                for key, value in (config.get("policy_map") or {}).items()}
        return cls(**config)

    def __repr__(self):
        mapping = [(key, policy.name) for key, policy in self._policy_map.items()]
        return f"<DTypePolicyMap default_policy={self._default_policy.name}, mapping={mapping}>"
