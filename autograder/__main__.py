"""Command line: `autograder <verb> ...` (or `python -m autograder <verb> ...`)."""

import argparse
import importlib
import os
import sys

from . import __version__

# verb: (its module, one line of help). Each module has add_arguments(parser) and
# run(args); only the chosen verb's module is imported, so `student` or `zip` never
# pay for torch.
VERBS = {
    "check": ("check", "run the public tests on your work (students)"),
    "grade": ("grade", "grade one submission with all tests"),
    "student": ("student", "regenerate student_template/ from solutions/"),
    "handouts": ("handouts", "dist/<hw>-student.zip: the student folder and the wheel"),
    "zip": ("zip", "build the Gradescope autograder zip with otter generate"),
    "grade-all": ("grade_all", "grade a class: one folder or zip per student"),
    "samples": ("samples", "grade the bundled sample submissions (make grade)"),
    "gradescope": (
        "gradescope",
        "grade /autograder/submission on Gradescope (the zip's run_autograder, as root)",
    ),
    "calibrate": (
        "calibrate",
        "thresholds against the reference and alternatives over seeds and thread counts "
        "(instructors)",
    ),
}


# Verbs that grade in this process: they start with what lets their workers be forked warm.
WARM_VERBS = {"check", "grade", "gradescope", "samples"}


def verb_module(verb: str):  # noqa: ANN201  (a module of autograder.verbs)
    return importlib.import_module(f"autograder.verbs.{VERBS[verb][0]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    parser.add_argument("--version", action="version", version=f"autograder {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)
    chosen = next((word for word in argv if not word.startswith("-")), None)
    for verb, (_, help_line) in VERBS.items():
        p = verbs.add_parser(verb, help=help_line)
        if verb == chosen:
            verb_module(verb).add_arguments(p)
    args = parser.parse_args(argv)
    return verb_module(args.verb).run(args)


def run() -> None:
    """The console script: a user's mistake gets one plain line, not a traceback."""
    from .core import warm
    from .core.assignment import UnknownAssignment
    from .settings import NotInRepository

    if set(sys.argv[1:2]) & WARM_VERBS:
        warm.hash_seed_for(sys.argv[1:])

    try:
        code = main()
    except (UnknownAssignment, NotInRepository) as exc:
        print(exc, file=sys.stderr)
        code = 1
    except BrokenPipeError:  # `autograder check | head`: the reader left; nothing to say
        code = 1
    except SystemExit as exc:  # argparse's --help, --version and usage errors
        code = exc.code
        if code is not None and not isinstance(code, int):  # sys.exit("a message")
            print(code, file=sys.stderr)
            code = 1
    exit_now(code or 0)


def exit_now(code: int) -> None:
    """Exit once the work is done: flushed output and atexit handlers, but not the
    interpreter's teardown of torch's modules (half a second at every exit)."""
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
