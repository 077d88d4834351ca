"""`python -m autograder grade-all <hw> <submissions_root> --out <dir> --jobs N`: grade a
class, one folder or zip per student (the machinery and what it writes: core/batch.py)."""

import argparse
import sys
import time
from pathlib import Path

from ..core.assignment import config
from ..core.batch import grade_all


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw")
    p.add_argument("submissions", help="folder holding one folder or zip per student")
    p.add_argument("--out", required=True, help="folder for results, gradebook and report")
    p.add_argument("--jobs", type=int, default=1, help="submissions graded at once")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")


def run(args: argparse.Namespace) -> int:
    return main(args.hw, args.submissions, args.out, args.jobs, args.force)


def main(hw: str, root: str, out: str, jobs: int, force: bool) -> int:
    config(hw)  # an unknown assignment fails here, before anything is written
    if not Path(root).is_dir():
        print(f"No such folder: {root}", file=sys.stderr)
        return 2
    started = time.monotonic()
    outcomes, summary = grade_all(hw, Path(root), Path(out), jobs=jobs, force=force)
    print(
        f"{hw}: {summary['submissions']} submissions in {time.monotonic() - started:.0f} s "
        f"({summary['graded_now']} graded, {summary['skipped_unchanged']} unchanged); "
        f"mean {summary['mean']}, median {summary['median']} of {summary['max_score']:g}; "
        f"status {summary['status']}"
    )
    print(
        f"Wrote {out}/gradebook.csv, summary.json, histogram.png, report.html "
        f"and {out}/<student>/results.json"
    )
    return 0
