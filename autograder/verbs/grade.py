"""`python -m autograder grade <hw> <submission_dir> --out results.json`.

All tests; always writes a Gradescope results file and exits 0 whatever the score.
"""
import traceback
from pathlib import Path

from ..core import results
from ..core.report import format_report
from ..core.engine import grade


def main(hw: str, submission: str, out: str) -> int:
    try:
        report = grade(hw, Path(submission))
    except Exception:  # noqa: BLE001  (a grader fault must still leave a results file)
        traceback.print_exc()
        results.write_failure(Path(out), "The autograder itself failed on this submission; "
                                         "your instructor has been told. No points were lost.")
        return 0
    results.write(report, Path(out))
    print(format_report(report, public_only=False))
    print(f"Results written to {out}")
    return 0
