"""`python -m autograder check <hw> [dir]`: the student's command.

Runs the public tests only and explains, per question, what is right and what
is wrong, in plain words.
"""

import argparse
from pathlib import Path

from ..core.assignment import UnknownAssignment, read_name, test_files, use_folder
from ..core.engine import grade
from ..core.report import format_report
from ..settings import COURSE, IN_COURSE


def find_folder(hw: str | None, directory: str | None) -> Path:
    """The student's assignment folder: the one named, ./<hw>, or the folder we are in
    (or above) whose config.toml names the assignment."""
    if directory:
        return Path(directory)
    if hw and read_name(Path(hw)) == hw:
        return Path(hw)
    here = Path.cwd()
    for place in (here, *here.parents):
        name = read_name(place)
        if name and (hw is None or name == hw):
            return place
    if hw and IN_COURSE and (COURSE.template / hw).is_dir():
        return COURSE.template / hw
    if hw:
        raise UnknownAssignment(
            f"No folder for assignment '{hw}' here. Run `autograder check` "
            f"inside your assignment folder (the one with config.toml), "
            f"or `autograder check {hw}` from the folder that holds it."
        )
    raise UnknownAssignment(
        "This folder is not an assignment folder (no config.toml here or "
        "above). Run `autograder check` inside the folder you were given."
    )


def pick_questions(asked: list[str], tests: list[Path]) -> list[str]:
    """Test files for -q: an exact stem or a unique prefix (`q2` for q2_backward)."""
    stems = [p.stem for p in tests]
    chosen = []
    for question in asked:
        found = [s for s in stems if s == question] or [s for s in stems if s.startswith(question)]
        if len(found) != 1:
            how = "matches several questions" if found else "is not a question of this assignment"
            raise UnknownAssignment(f"'{question}' {how}. Questions: {', '.join(stems)}.")
        chosen += found
    return chosen


def main(hw: str | None, directory: str | None, questions: list[str] | None = None) -> int:
    """Exit code 0 when every public test run passed, 1 otherwise."""
    folder = find_folder(hw, directory)
    assignment = folder if read_name(folder) else None
    if assignment is not None:  # a student's folder: its own config and public tests
        hw = use_folder(assignment)
    elif hw is None:
        raise UnknownAssignment(
            f"{folder} has no config.toml: name the assignment, e.g. "
            f"`autograder check hw1_autograd {folder}`."
        )
    tests = test_files(hw)
    only = pick_questions(questions, tests) if questions else None
    report = grade(hw, folder, include_hidden=False, only=only)
    print(format_report(report, public_only=True))
    return 0 if report.cases and report.score == report.max_score else 1


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw", nargs="?", help="assignment (default: the one in this folder)")
    p.add_argument("dir", nargs="?", help="folder with your files (default: ./<hw> or here)")
    p.add_argument(
        "-q",
        "--question",
        action="append",
        dest="questions",
        metavar="QUESTION",
        help="check only this question, e.g. -q q2_backward (or -q q2); repeatable",
    )


def run(args: argparse.Namespace) -> int:
    return main(args.hw, args.dir, args.questions)
