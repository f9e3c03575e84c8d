"""`gamma` (the learned factor) and `beta` (the learned offset): the two optional per-feature weights of
every normalization layer, with Keras' six arguments for them, made, stored and written to configs
one way so the layers' files agree with Keras and with each other.
"""
from tkeras import constraints, initializers, regularizers


class GammaBeta:
    """Mixed into the normalization layers (before `Layer`)."""

    def _set_gamma_beta_options(self, beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                                beta_constraint, gamma_constraint):
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def _add_gamma_beta(self, shape, scale, center):
        """Make `gamma` (when `scale`) and `beta` (when `center`) of `shape`; the other stays None."""
        self.gamma = self.beta = None
        if scale:
            self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if center:
            self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)

    def _gamma_beta_initializer_config(self):
        return {"beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}

    def _gamma_beta_penalty_config(self):
        """Regularizers and constraints (Keras writes them after all the initializers)."""
        return {"beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}
