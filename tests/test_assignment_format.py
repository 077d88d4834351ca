"""Every assignment keeps its own pieces in step: each test file's `name` is
its file name, each handout's points table lists every question file with the
points its cases add up to, and its heading gives the total."""

import re

import pytest

from autograder.core.assignment import find_assignment_dir
from autograder.core.assignment import test_files as question_files
from autograder.core.engine import collect_cases, load_test_module
from autograder.settings import all_assignments


def question_points(hw: str) -> dict[str, float]:
    return {
        path.stem: sum(
            float(case.points or 0) for case, _ in collect_cases(load_test_module(hw, path))
        )
        for path in question_files(hw)
    }


def handout_table(hw: str) -> tuple[float, dict[str, float]]:
    """(total in the heading, {question: points}) from 'How it is graded (N points)'."""
    text = (find_assignment_dir(hw) / "README.md").read_text()
    heading = re.search(r"^## How it is graded \((\d+(?:\.\d+)?) points\)$", text, flags=re.M)
    assert heading, f"{hw}'s handout has no '## How it is graded (N points)' section"
    section = text[heading.end() :].split("\n## ")[0]
    rows = re.findall(r"^\| `?(q\d+_\w+)`? \| (\d+(?:\.\d+)?) \|", section, flags=re.M)
    return float(heading.group(1)), {q: float(p) for q, p in rows}


@pytest.mark.parametrize("hw", all_assignments())
def test_each_test_file_is_named_after_itself(hw):
    """otter reports a file by its `name`; ours by the file's stem: they agree."""
    for path in question_files(hw):
        assert load_test_module(hw, path).name == path.stem, f"{path}: name != {path.stem!r}"


@pytest.mark.parametrize("hw", all_assignments())
def test_handout_points_table_matches_the_tests(hw):
    """The points a handout promises per question are the points its cases give."""
    total, table = handout_table(hw)
    points = question_points(hw)
    assert table == points, f"{hw}: handout table {table} but the tests give {points}"
    assert total == sum(points.values()), (
        f"{hw}: heading says {total}, tests sum to {sum(points.values())}"
    )


@pytest.mark.parametrize("hw", all_assignments())
def test_test_files_find_their_assignment_themselves(hw):
    """A test file calls config() without repeating its assignment's name."""
    for path in question_files(hw):
        assert f'config("{hw}")' not in path.read_text(), f"{path} names its assignment"


def test_the_points_table_check_can_fail(monkeypatch):
    """A handout that promises other points is caught."""
    hw = all_assignments()[0]
    real = question_points(hw)
    first = next(iter(real))
    monkeypatch.setitem(globals(), "question_points", lambda _: {**real, first: real[first] + 1})
    with pytest.raises(AssertionError, match="handout table"):
        test_handout_points_table_matches_the_tests(hw)
