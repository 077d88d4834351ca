"""`python -m autograder check <hw> [dir]`: the student's command.

Runs the public tests only and explains, per question, what is right and what
is wrong, in plain words.
"""
import textwrap
from pathlib import Path

from .engine import grade


def default_dir(hw: str) -> Path:
    """Where the student's files are: the given folder, ./<hw>, or here."""
    for place in (Path(hw), Path("student_template") / hw, Path.cwd()):
        if place.is_dir() and any(place.glob("*.py")):
            return place
    return Path.cwd()


def format_report(report, *, public_only: bool) -> str:
    lines = [f"{report.hw}: {'public checks' if public_only else 'all tests'} "
             f"for {report.submission}/ ({report.seconds:.1f} s)", ""]
    for problem in report.problems:
        lines += ["PROBLEM: " + problem, ""]
    for file, (score, points) in report.by_file().items():
        lines.append(f"{file}  {score:g}/{points:g}")
        for case in (c for c in report.cases if c.file == file):
            mark = "PASS" if case.passed else "FAIL"
            lines.append(f"  [{mark}] {case.name}: {case.description}")
            for text in (case.message, case.note):
                if text:
                    lines.append(textwrap.indent(text, "         "))
        lines.append("")
    label = "Public score" if public_only else "Score"
    lines.append(f"{label}: {report.score:g}/{report.max_score:g}")
    if public_only:
        lines.append("Hidden tests are run when your work is graded.")
    return "\n".join(lines)


def main(hw: str, directory: str | None) -> int:
    report = grade(hw, Path(directory) if directory else default_dir(hw), include_hidden=False)
    print(format_report(report, public_only=True))
    return 0 if report.score == report.max_score else 1
