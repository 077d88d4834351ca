"""The committed student template is what `make student` would write, and it
carries no solution and no hidden test."""

import filecmp

import pytest

from autograder.core.assignment import strip_solutions
from autograder.settings import COURSE, all_assignments
from autograder.verbs.student import build


@pytest.mark.parametrize("hw", all_assignments())
def test_template_in_sync(hw, tmp_path):
    build(hw, tmp_path / hw)
    committed = COURSE.template / hw
    assert committed.is_dir(), f"student_template/{hw} missing: run `make student`"
    generated = sorted(
        p.relative_to(tmp_path / hw) for p in (tmp_path / hw).rglob("*") if p.is_file()
    )
    present = sorted(
        p.relative_to(committed)
        for p in committed.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )
    assert generated == present, "student_template is out of sync: run `make student`"
    for rel in generated:
        assert filecmp.cmp(tmp_path / hw / rel, committed / rel, shallow=False), (
            f"student_template/{hw}/{rel} is out of sync: run `make student`"
        )


@pytest.mark.parametrize("hw", all_assignments())
def test_template_has_no_solution_or_hidden_test(hw):
    for path in (COURSE.template / hw).rglob("*.py"):
        text = path.read_text()
        assert "BEGIN SOLUTION" not in text and "hidden=True" not in text, path


def test_strip_solutions_names_the_task():
    source = (
        "class A:\n    def f(self):\n        # BEGIN SOLUTION\n        return 1\n"
        "        # END SOLUTION\n"
    )
    assert 'raise NotImplementedError("A.f")' in strip_solutions(source, "x.py")
    with pytest.raises(ValueError):
        strip_solutions("# BEGIN SOLUTION\nx = 1\n", "x.py")
