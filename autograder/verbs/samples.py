"""`python -m autograder samples --out results`: the main job, `make grade`.

Grades the bundled sample submissions of every assignment that exists: the
reference solution, the student stub, and the samples under
tests/samples/<hw>/ (folders or zips), with grade-all's machinery (batch.py):
each submission in its own process, in the sandbox, unchanged ones skipped.
Writes results/<hw>/<submission>/results.json, results/<hw>/gradebook.csv,
summary.json, histogram.png and report.html per assignment, and
results/gradebook.csv for all of them, and prints a table.
"""

import argparse
import csv
import html
import importlib
from pathlib import Path

from ..core.batch import find_submissions, grade_folders, write_reports
from ..settings import COURSE, all_assignments, require_course

# Pictures the report shows beside an assignment's grades: (module, function(path), caption).
FIGURES = {
    "hw5_piecewise": (
        "autograder.benchmarks.hw5",
        "render_reference_png",
        "The linear pieces of the reference ReLU net (hw5): each colour "
        "is one gradient, so each patch is one linear piece.",
    )
}


def sample_submissions(hw: str) -> dict[str, Path]:
    found = {"solution": COURSE.solutions / hw, "stub": COURSE.template / hw}
    if (COURSE.samples / hw).is_dir():
        found.update(find_submissions(COURSE.samples / hw))
    return found


def main(out: str, jobs: int = 2, force: bool = False) -> int:
    require_course("samples")
    out_dir = Path(out)
    rows = []
    table = [f"{'assignment':<22}{'submission':<26}{'score':>12}   {'seconds':>7}   status"]
    for hw in all_assignments():
        outcomes = grade_folders(hw, sample_submissions(hw), out_dir / hw, jobs=jobs, force=force)
        write_reports(hw, outcomes, out_dir / hw)
        for o in outcomes:
            table.append(
                f"{hw:<22}{o.student:<26}{o.score:>6g}/{o.max_score:<5g}   "
                f"{o.grading_seconds:7.1f}   {o.status}" + ("  (unchanged)" if o.skipped else "")
            )
            rows.append(
                {
                    "assignment": hw,
                    "submission": o.student,
                    "total": o.score,
                    "max": o.max_score,
                    "status": o.status,
                    **o.questions,
                }
            )
    print("\n".join(table))
    columns = list(dict.fromkeys(k for row in rows for k in row))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / "gradebook.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    write_index(out_dir, rows)
    print(
        f"\nWrote {out_dir}/<assignment>/<submission>/results.json, "
        f"{out_dir}/<assignment>/report.html, {out_dir}/gradebook.csv and {out_dir}/report.html"
    )
    return 0


def write_index(out_dir: Path, rows: list[dict]) -> None:
    """results/report.html: every sample's score, links to each assignment's report,
    and the assignments' pictures."""
    parts = [
        "<!doctype html><meta charset='utf-8'><title>Sample grades</title>",
        "<h1>Bundled sample submissions</h1><table border=1 cellpadding=4>",
        "<tr><th>assignment</th><th>submission</th><th>score</th><th>status</th></tr>",
    ]
    for row in rows:
        hw = html.escape(row["assignment"])
        parts.append(
            f"<tr><td><a href='{hw}/report.html'>{hw}</a></td>"
            f"<td>{html.escape(row['submission'])}</td>"
            f"<td>{row['total']:g} / {row['max']:g}</td>"
            f"<td>{html.escape(row['status'])}</td></tr>"
        )
    parts.append("</table>")
    for hw, (module, function, caption) in FIGURES.items():
        if any(row["assignment"] == hw for row in rows):
            picture = getattr(importlib.import_module(module), function)(
                out_dir / hw / "reference.png"
            )
            parts.append(
                f"<h2>{hw}</h2><img src='{hw}/{picture.name}' alt='{html.escape(caption)}'>"
                f"<p>{html.escape(caption)}</p>"
            )
    (out_dir / "report.html").write_text("\n".join(parts) + "\n")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="results")
    p.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")


def run(args: argparse.Namespace) -> int:
    return main(args.out, jobs=args.jobs, force=args.force)
