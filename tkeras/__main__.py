"""Command line: `python -m tkeras run SCRIPT [ARGS...]` (also installed as the `tkeras` command)."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tkeras", description="Run Keras / tf.keras scripts on tkeras.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a script with keras/tensorflow resolved to tkeras",
                         description="Run SCRIPT as __main__ with `import keras` / `import tensorflow` "
                                     "resolved to tkeras. TKERAS_MAX_EPOCHS=N caps the epochs of every fit.")
    run.add_argument("--figures", metavar="DIR", default=None,
                     help="save the figures plt.show() would display as DIR/figure_N.png (the default "
                          "without a display, in the working directory)")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script (its sys.argv[1:])")
    options = parser.parse_args(argv)
    if options.command == "run":
        from tkeras.compat.runner import run_script
        run_script(options.script, options.args, options.figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
