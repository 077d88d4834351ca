"""`python -m autograder grade <hw> <submission_dir> --out results.json`.

All tests; always writes a Gradescope results file and exits 0 whatever the score.
Exits 2, with a sentence and no results file, only when there is nothing to grade:
an unknown assignment or a submission folder that does not exist.
"""

import argparse
import sys
from pathlib import Path

from ..core.assignment import UnknownAssignment, find_assignment_dir
from ..core.report import grade_to_file


def main(hw: str, submission: str, out: str) -> int:
    try:
        find_assignment_dir(hw)
    except UnknownAssignment as exc:
        print(exc, file=sys.stderr)
        return 2
    if not Path(submission).is_dir():
        print(
            f"No submission folder {submission!r}: give the folder that holds the "
            "student's files (grade-all takes zips and folders of submissions).",
            file=sys.stderr,
        )
        return 2
    if Path(out).is_dir():  # a folder: the results file goes inside it
        out = str(Path(out) / "results.json")
    return grade_to_file(hw, submission, out)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw")
    p.add_argument("submission")
    p.add_argument("--out", default="results.json", help="the results file (or its folder)")


def run(args: argparse.Namespace) -> int:
    return main(args.hw, args.submission, args.out)
