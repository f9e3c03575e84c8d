"""Command line: `python -m tkeras run SCRIPT [ARGS...]` (also installed as the `tkeras` command)."""
import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tkeras", description="Run Keras / tf.keras scripts on tkeras.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a script with keras/tensorflow resolved to tkeras")
    run.add_argument("--figures", default=".", help="folder for figures shown without a display")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    if options.command == "run":
        from tkeras.compat.runner import run_script
        run_script(options.script, options.args, options.figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
