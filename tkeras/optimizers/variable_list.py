"""`optimizer.variables` is a list in Keras 3 and a method in tf-keras 2 (`opt.variables()`), which the
TF 2 era's custom training loops and checkpoint code call. tf-keras 2.11+ answered both spellings with a
list that returns itself when called; tkeras' optimizers hand out the same kind of list."""


class VariableList(list):
    def __call__(self):
        return self
