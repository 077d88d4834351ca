"""Command line: `autograder <verb> ...` (or `python -m autograder <verb> ...`)."""

import argparse
import sys

from . import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__)
    parser.add_argument("--version", action="version", version=f"autograder {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("check", help="run the public tests on your work (students)")
    p.add_argument("hw", nargs="?", help="assignment (default: the one in this folder)")
    p.add_argument("dir", nargs="?", help="folder with your files (default: ./<hw> or here)")
    p.add_argument(
        "-q",
        "--question",
        action="append",
        dest="questions",
        metavar="QUESTION",
        help="check only this question, e.g. -q q2_backward (or -q q2); repeatable",
    )

    p = verbs.add_parser("grade", help="grade one submission with all tests")
    p.add_argument("hw")
    p.add_argument("submission")
    p.add_argument("--out", default="results.json")

    p = verbs.add_parser("student", help="regenerate student_template/ from solutions/")
    p.add_argument("hw", nargs="*", help="assignments (default: all)")

    p = verbs.add_parser("handouts", help="dist/<hw>-student.zip: the student folder and the wheel")
    p.add_argument("hw", nargs="*", help="assignments (default: all)")
    p.add_argument("--out-dir", default="dist")

    p = verbs.add_parser("zip", help="build the Gradescope autograder zip with otter generate")
    p.add_argument("hw")
    p.add_argument("--out-dir", default="dist")

    p = verbs.add_parser("grade-all", help="grade a class: one folder or zip per student")
    p.add_argument("hw")
    p.add_argument("submissions", help="folder holding one folder or zip per student")
    p.add_argument("--out", required=True, help="folder for results, gradebook and report")
    p.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")

    p = verbs.add_parser("samples", help="grade the bundled sample submissions (make grade)")
    p.add_argument("--out", default="results")
    p.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")

    p = verbs.add_parser(
        "gradescope",
        help="grade /autograder/submission on Gradescope (the zip's run_autograder, as root)",
    )
    p.add_argument("hw")

    p = verbs.add_parser(
        "calibrate",
        help="thresholds against the reference and alternatives "
        "over seeds and thread counts (instructors)",
    )
    p.add_argument("hw")
    p.add_argument("--seeds", type=int, default=10, help="seeds 1..K (default 10)")
    p.add_argument("--threads", default="1,2", help="torch thread counts, e.g. 1,2 (default)")

    args = parser.parse_args(argv)
    if args.verb == "check":
        from .verbs.check import main as run

        return run(args.hw, args.dir, args.questions)
    if args.verb == "grade":
        from .verbs.grade import main as run

        return run(args.hw, args.submission, args.out)
    if args.verb == "student":
        from .verbs.student import main as run

        return run(args.hw)
    if args.verb == "handouts":
        from .verbs.handouts import main as run

        return run(args.hw, args.out_dir)
    if args.verb == "zip":
        from .verbs.zip import main as run

        return run(args.hw, args.out_dir)
    if args.verb == "grade-all":
        from .core.batch import main as run

        return run(args.hw, args.submissions, args.out, args.jobs, args.force)
    if args.verb == "calibrate":
        from .verbs.calibrate import main as run

        try:
            threads = [int(t) for t in args.threads.split(",")]
        except ValueError:
            parser.error(
                f"--threads takes counts separated by commas, e.g. 1,2; not {args.threads!r}"
            )
        if args.seeds < 1 or not threads or min(threads) < 1:
            parser.error("--seeds and every --threads count must be at least 1")
        return run(args.hw, args.seeds, threads)
    if args.verb == "gradescope":
        from .verbs.gradescope import main as run

        return run(args.hw)
    if args.verb == "samples":
        from .verbs.samples import main as run

        return run(args.out, jobs=args.jobs, force=args.force)
    return 2


def run() -> None:
    """The console script: a user's mistake gets one plain line, not a traceback."""
    from .core.assignment import UnknownAssignment
    from .settings import NotInRepository

    try:
        sys.exit(main())
    except (UnknownAssignment, NotInRepository) as exc:
        sys.exit(str(exc))


if __name__ == "__main__":
    run()
