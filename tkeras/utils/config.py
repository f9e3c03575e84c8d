"""`keras.utils.Config`: a dict of settings read as attributes (`config.learning_rate`), which can be
frozen once set up so a typo or a late change raises instead of silently adding a key. Iterating
gives the keys in sorted order, as Keras does."""
import difflib
import json


class Config:
    __attrs__ = None  # filled in below: the names that are real attributes, not settings

    def __init__(self, **kwargs):
        self._config = dict(kwargs)
        self._frozen = False
        self.__attrs__ = set(dir(self))

    @property
    def frozen(self):
        return self._frozen

    def freeze(self):
        """Refuse any change from now on (setting, updating, popping or deleting a key)."""
        self._frozen = True

    def unfreeze(self):
        self._frozen = False

    def _refuse_if_frozen(self):
        if self._frozen:
            raise ValueError("Cannot mutate attribute(s) because the config is frozen (call unfreeze() first).")

    def as_dict(self):
        return dict(self._config)

    def to_json(self):
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._refuse_if_frozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs):
        self._refuse_if_frozen()
        self._config.update(*args, **kwargs)

    def __setattr__(self, name, value):
        attrs = object.__getattribute__(self, "__attrs__")
        if attrs is None or name in attrs:
            object.__setattr__(self, name, value)
            return
        self._refuse_if_frozen()
        self._config[name] = value

    def __getattr__(self, name):
        attrs = object.__getattribute__(self, "__attrs__")
        if attrs is None or name in attrs:
            return object.__getattribute__(self, name)
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        close = difflib.get_close_matches(name, list(config), n=1, cutoff=0.7)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise AttributeError(f"Unknown attribute: '{name}'.{hint}")

    def __setitem__(self, key, value):
        self._refuse_if_frozen()
        self._config[key] = value

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key):
        self._refuse_if_frozen()
        del self._config[key]

    def __contains__(self, key):
        return key in self._config

    def __iter__(self):
        return iter(sorted(self._config))

    def __len__(self):
        return len(self._config)

    def __repr__(self):
        return f"<Config {self._config}>"
