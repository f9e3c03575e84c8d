"""Where the progress bar and the `Epoch 1/10` lines go: stdout, or the `logging` module.

Keras 3's `keras.config.disable_interactive_logging()` is for jobs whose stdout nobody watches (a
cluster queue, a service): messages then go to a logger (Keras uses absl's; here the standard
library logger "tkeras", at INFO level) and the progress bar draws only each epoch's final line
instead of redrawing itself. The switch is process-wide; `TKERAS_INTERACTIVE_LOGGING=0` starts a
process with it off.
"""
import logging
import os
import sys

_INTERACTIVE = os.environ.get("TKERAS_INTERACTIVE_LOGGING", "1") != "0"
logger = logging.getLogger("tkeras")


def enable_interactive_logging():
    """Print the progress bar and training messages on stdout (the default)."""
    global _INTERACTIVE
    _INTERACTIVE = True


def disable_interactive_logging():
    """Send the progress bar's lines and training messages to the "tkeras" logger instead of stdout."""
    global _INTERACTIVE
    _INTERACTIVE = False


def is_interactive_logging_enabled():
    return _INTERACTIVE


def print_msg(message, line_break=True):
    """Print `message` on stdout, or log it at INFO level when interactive logging is off."""
    if _INTERACTIVE:
        sys.stdout.write(message + "\n" if line_break else message)
        sys.stdout.flush()
    else:
        logger.info(message)
