"""`python -m autograder grade <hw> <submission_dir> --out results.json`.

All tests; always writes a Gradescope results file and exits 0 whatever the score.
"""

from ..core.report import grade_to_file


def main(hw: str, submission: str, out: str) -> int:
    return grade_to_file(hw, submission, out)
