"""Every assignment's graders are right, from its assignments/<hw>/mutants.py
alone: the solution earns everything, the stub nothing, each known-wrong
variant loses the points of the cases it names, and each alternative correct
answer earns full marks. A new assignment needs no test file of its own."""

import pytest
from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_loses, assert_zero, grade

from autograder.core import variants
from autograder.settings import COURSE, all_assignments

WITH_VARIANTS = [
    hw for hw in all_assignments() if (COURSE.assignments / hw / "mutants.py").is_file()
]


def cases(kind: str) -> list:
    return [
        pytest.param(hw, name, id=f"{hw}: {name}")
        for hw in WITH_VARIANTS
        for name in getattr(variants.load(hw), kind)
    ]


@pytest.mark.parametrize("hw", all_assignments())
def test_solution_full_marks(hw):
    assert_full_marks(grade(hw, SOLUTIONS / hw))


@pytest.mark.parametrize("hw", all_assignments())
def test_stub_scores_zero(hw):
    assert_zero(grade(hw, TEMPLATE / hw))


@pytest.mark.parametrize("hw, name", cases("MUTANTS"))
def test_mutant_loses_points(hw, name, tmp_path):
    """Only the question files a mutant aims at are graded, to keep the suite quick."""
    mutant = variants.load(hw).MUTANTS[name]
    only = sorted({title.split(":")[0] for title in mutant["loses"]})
    folder = variants.write(hw, tmp_path / "mutant", mutant["replace"], mutant.get("file"))
    assert_loses(grade(hw, folder, only=only), mutant["loses"])


@pytest.mark.parametrize("hw, name", cases("ALTERNATIVES"))
def test_alternative_full_marks(hw, name, tmp_path):
    alternative = variants.load(hw).ALTERNATIVES[name]
    folder = variants.write(hw, tmp_path / "alt", alternative["replace"], alternative.get("file"))
    assert_full_marks(grade(hw, folder))


def test_a_mutant_cannot_silently_become_the_solution():
    """Replacing a name the solution does not define is an error, not a no-op."""
    with pytest.raises(AssertionError, match="defines no"):
        variants.apply("def f():\n    return 1\n", {"g": "def g():\n    return 2\n"})
    assert "return 2" in variants.apply(
        "def f():\n    return 1\n", {"f": "def f():\n    return 2\n"}
    )
