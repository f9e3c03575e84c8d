"""Running legacy Keras/TensorFlow code as written: the import aliases and the script runner."""
from tkeras.compat.import_hook import UnsupportedAPIError, install, uninstall
