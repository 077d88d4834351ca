"""`python -m autograder samples --out results`: the main job, `make grade`.

Grades the bundled sample submissions of every assignment that exists: the
reference solution, the student stub, and the samples under
tests/samples/<hw>/ (folders or zips), with grade-all's machinery (batch.py):
each submission in its own process, in the sandbox, unchanged ones skipped.
Writes results/<hw>/<submission>/results.json, results/<hw>/gradebook.csv,
summary.json, histogram.png and report.html per assignment, and
results/gradebook.csv for all of them, and prints a table.
"""
import csv
from pathlib import Path

from .assignment import REPO_ROOT
from .batch import find_submissions, grade_folders, write_reports
from .student import all_assignments

SAMPLES = REPO_ROOT / "tests" / "samples"


def sample_submissions(hw: str) -> dict[str, Path]:
    found = {"solution": REPO_ROOT / "solutions" / hw, "stub": REPO_ROOT / "student_template" / hw}
    if (SAMPLES / hw).is_dir():
        found.update(find_submissions(SAMPLES / hw))
    return found


def main(out: str, jobs: int = 2, force: bool = False) -> int:
    out_dir = Path(out)
    rows = []
    table = [f"{'assignment':<22}{'submission':<26}{'score':>12}   {'seconds':>7}   status"]
    for hw in all_assignments():
        outcomes = grade_folders(hw, sample_submissions(hw), out_dir / hw, jobs=jobs,
                                 force=force)
        write_reports(hw, outcomes, out_dir / hw)
        for o in outcomes:
            table.append(f"{hw:<22}{o.student:<26}{o.score:>6g}/{o.max_score:<5g}   "
                         f"{o.grading_seconds:7.1f}   {o.status}"
                         + ("  (unchanged)" if o.skipped else ""))
            rows.append({"assignment": hw, "submission": o.student, "total": o.score,
                         "max": o.max_score, "status": o.status, **o.questions})
    print("\n".join(table))
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "gradebook.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nWrote {out_dir}/<assignment>/<submission>/results.json, "
          f"{out_dir}/<assignment>/report.html and {out_dir}/gradebook.csv")
    return 0
