"""`python -m autograder samples --out results`: the main job, `make grade`.

Grades the bundled sample submissions of every assignment that exists: the
reference solution, the student stub, and the partly correct samples under
tests/samples/<hw>/. Writes results/<hw>/<submission>/results.json and
results/gradebook.csv, and prints a table.
"""
import csv
from pathlib import Path

from . import results
from .assignment import REPO_ROOT
from .engine import grade
from .student import all_assignments

SAMPLES = REPO_ROOT / "tests" / "samples"


def sample_submissions(hw: str) -> dict[str, Path]:
    found = {"solution": REPO_ROOT / "solutions" / hw, "stub": REPO_ROOT / "student_template" / hw}
    if (SAMPLES / hw).is_dir():
        found.update({p.name: p for p in sorted((SAMPLES / hw).iterdir()) if p.is_dir()})
    return found


def main(out: str) -> int:
    out_dir = Path(out)
    rows = []
    print(f"{'assignment':<22}{'submission':<26}{'score':>12}   seconds")
    for hw in all_assignments():
        for name, folder in sample_submissions(hw).items():
            report = grade(hw, folder)
            results.write(report, out_dir / hw / name / "results.json")
            print(f"{hw:<22}{name:<26}{report.score:>6g}/{report.max_score:<5g}   "
                  f"{report.seconds:6.1f}")
            row = {"assignment": hw, "submission": name, "total": report.score,
                   "max": report.max_score}
            row.update({q: s for q, (s, _) in report.by_file().items()})
            rows.append(row)
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "gradebook.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    print(f"\nWrote {out_dir}/<assignment>/<submission>/results.json and {out_dir}/gradebook.csv")
    return 0
