"""Helpers for the repo's own tests: grade solutions, stubs, mutants and
alternative solutions, and say clearly which test case behaved wrongly."""

import shutil
from pathlib import Path

from autograder.core.assignment import REPO_ROOT
from autograder.core.engine import Report, grade

SOLUTIONS = REPO_ROOT / "solutions"
TEMPLATE = REPO_ROOT / "student_template"


def variant(hw: str, dest: Path, file: str, replacements: list[tuple[str, str]]) -> Path:
    """Copy the reference solution to `dest` and edit `file`; every `old` must be
    present, so a mutant cannot silently turn into the unchanged solution."""
    shutil.copytree(SOLUTIONS / hw, dest, ignore=shutil.ignore_patterns("__pycache__"))
    path = dest / file
    source = path.read_text()
    for old, new in replacements:
        assert old in source, f"mutant target not found in {file}: {old!r}"
        source = source.replace(old, new)
    path.write_text(source)
    return dest


def failures(report: Report) -> dict[str, str]:
    return {c.title: c.message for c in report.cases if not c.passed}


def assert_full_marks(report: Report) -> None:
    assert report.cases, "no test cases were run"
    assert report.score == report.max_score, (
        f"{report.submission} scored {report.score}/{report.max_score}; failed: {failures(report)}"
    )


def assert_zero(report: Report) -> None:
    assert report.cases, "no test cases were run"
    assert report.score == 0, f"{report.submission} earned points: " + ", ".join(
        c.title for c in report.cases if c.score
    )
    for case in report.cases:
        assert case.message, f"{case.title} failed without a message"


def assert_loses(report: Report, titles: list[str]) -> None:
    """Each named case (`file: name`) scored zero; the mutant lost its points."""
    known = {c.title: c for c in report.cases}
    for title in titles:
        assert title in known, f"no test case named {title!r}; known: {sorted(known)}"
        assert known[title].score == 0, f"mutant kept the points of {title}"
        assert known[title].message, f"{title} failed without saying why"


__all__ = [
    "variant",
    "grade",
    "assert_full_marks",
    "assert_zero",
    "assert_loses",
    "SOLUTIONS",
    "TEMPLATE",
]
