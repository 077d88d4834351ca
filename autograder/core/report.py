"""A report as the student and the instructor read it on a terminal (`check`,
`grade`, the notebook's check cells): per question, what passed and what did
not, in the submission's own words capped and cleaned, its printing fenced off;
and grading one submission into its results file."""

import textwrap
import traceback
from pathlib import Path

from . import results
from .engine import Report, grade
from .plain import MAX_CASE_MESSAGE, MAX_PROBLEM, clean_text, fenced, hanging


def format_report(report: Report, *, public_only: bool) -> str:
    lines = [
        f"{report.hw}: {'public checks' if public_only else 'all tests'} "
        f"for {clean_text(report.submission, 200)}/ ({report.seconds:.1f} s)",
        "",
    ]
    for problem in report.problems:
        lines += ["PROBLEM: " + hanging(clean_text(problem, MAX_PROBLEM), " " * 9), ""]
    for file, (score, points) in report.by_file().items():
        lines.append(f"{file}  {score:g}/{points:g}")
        for case in (c for c in report.cases if c.file == file):
            mark = "PASS" if case.passed else "FAIL"
            lines.append(f"  [{mark}] {case.name}: {case.description}")
            for text in (case.message, case.note):
                if text:  # student text: indented, printable, capped
                    lines.append(
                        textwrap.indent(
                            hanging(clean_text(text, MAX_CASE_MESSAGE), "  "), "         "
                        )
                    )
        lines.append("")
    if fenced(report.student_output):
        lines += [fenced(report.student_output), ""]
    label = "Public score" if public_only else "Score"
    lines.append(f"{label}: {report.score:g}/{report.max_score:g}")
    if public_only:
        lines.append("Hidden tests are run when your work is graded.")
    return "\n".join(lines)


def grade_to_file(hw: str, submission: str, out: str) -> int:
    """Grade with every test, write the results file (always: a grader fault
    leaves one too) and print the report. What `autograder grade` and each of
    grade-all's forked graders do; 0 whatever the score."""
    try:
        report = grade(hw, Path(submission))
    except Exception:  # noqa: BLE001  (a grader fault must still leave a results file)
        traceback.print_exc()
        results.write_failure(
            Path(out),
            "The autograder itself failed on this submission; "
            "your instructor has been told. No points were lost.",
        )
        return 0
    results.write(report, Path(out))
    print(format_report(report, public_only=False))
    print(f"Results written to {out}")
    return 0
