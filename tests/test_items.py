"""Item analysis: each figure is a named property of a small made-up class."""

import pytest

from autograder.core import items


def results(**cases) -> dict:
    """A results.json with these cases: name -> (score, max_score, output)."""
    tests = [
        {
            "name": n.replace("__", ": "),
            "score": s,
            "max_score": m,
            "output": o,
            "status": "passed" if s >= m else "failed",
            "visibility": "visible",
        }
        for n, (s, m, o) in cases.items()
    ]
    return {"score": sum(t["score"] for t in tests), "tests": tests}


CLASS = {
    "strong": results(q1__easy=(1, 1, ""), q1__hard=(2, 2, ""), q2__broken=(0, 1, "boom")),
    "middle": results(
        q1__easy=(1, 1, ""),
        q1__hard=(0, 2, "x is 0.52 but should be 0.9"),
        q2__broken=(0, 1, "boom"),
    ),
    "weak": results(
        q1__easy=(0, 1, "missing"),
        q1__hard=(0, 2, "x is 0.61 but should be 0.9"),
        q2__broken=(0, 1, "boom"),
    ),
}


def by_case(analysis):
    return {item["case"]: item for item in analysis["cases"]}


def test_pass_rate_and_mean_score_per_case():
    """Pass rate counts full marks only; the mean is over every submission."""
    cases = by_case(items.analyse(CLASS))
    assert cases["q1: easy"]["pass_rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert cases["q1: hard"]["mean_score"] == pytest.approx(2 / 3, abs=1e-3)


def test_failure_messages_are_grouped_without_their_numbers():
    """Two wrong values with the same wording are one mistake, counted twice."""
    hard = by_case(items.analyse(CLASS))["q1: hard"]
    assert hard["failures"] == [("x is # but should be #", 2)]


def test_a_case_that_separates_strong_from_weak_has_positive_point_biserial():
    cases = by_case(items.analyse(CLASS))
    assert cases["q1: hard"]["point_biserial"] > 0.5
    assert cases["q1: easy"]["point_biserial"] > 0


def test_a_case_everyone_fails_or_passes_is_flagged_and_has_no_correlation():
    cases = by_case(items.analyse(CLASS))
    assert cases["q2: broken"]["flag"] == "every submission fails"
    assert cases["q2: broken"]["point_biserial"] is None
    assert cases["q1: easy"]["flag"] == ""
    everyone = by_case(
        items.analyse({"a": results(q__t=(1, 1, "")), "b": results(q__t=(1, 1, ""))})
    )
    assert everyone["q: t"]["flag"] == "every submission passes"


def test_question_means_and_pass_rates():
    questions = items.analyse(CLASS)["questions"]
    assert questions["q1"]["points"] == 3
    assert questions["q1"]["mean_points"] == pytest.approx(2 / 3 + 2 / 3, abs=1e-2)
    assert questions["q2"]["pass_rate"] == 0


def test_a_case_missing_from_one_results_file_counts_as_not_passed():
    """A submission whose grading stopped early has fewer cases: they score 0."""
    partial = {
        **CLASS,
        "stopped": {
            "score": 0,
            "tests": [
                {
                    "name": "q1: easy",
                    "score": 0,
                    "max_score": 1,
                    "output": "Not run",
                    "status": "failed",
                    "visibility": "visible",
                }
            ],
        },
    }
    assert by_case(items.analyse(partial))["q1: hard"]["pass_rate"] == pytest.approx(0.25)


def test_report_section_and_chart(tmp_path):
    analysis = items.analyse(CLASS)
    items.write_chart(analysis, tmp_path / "questions.png")
    assert (tmp_path / "questions.png").stat().st_size > 1000
    page = items.html_section(analysis)
    assert "every submission fails" in page and "x is # but should be #" in page
    assert page.index("q2: broken") < page.index("q1: easy"), "hardest cases first"


def test_item_analysis_of_a_class_of_mutants_and_alternatives(tmp_path):
    """grade-all of hw1's reference, stub, known-wrong variants and alternative answers:
    each case a mutant aims at shows that mutant's failure, nothing is flagged (the
    reference passes every case, the stub fails every one), and every case separates
    strong from weak work (positive point-biserial)."""
    import json

    from harness import TEMPLATE, variant

    from autograder.core import batch, variants

    HW, FILE = "hw1_autograd", "myrelu.py"
    MUTANTS, ALTERNATIVES = variants.load(HW).MUTANTS, variants.load(HW).ALTERNATIVES

    root = tmp_path / "class"
    variant(HW, root / "reference", FILE, [])
    import shutil

    shutil.copytree(TEMPLATE / HW, root / "stub")
    for i, mutant in enumerate(MUTANTS.values()):
        variants.write(HW, root / f"mutant{i:02d}", mutant["replace"])
    for i, alternative in enumerate(ALTERNATIVES.values()):
        variants.write(HW, root / f"alternative{i}", alternative["replace"])
    out = tmp_path / "out"
    batch.grade_all(HW, root, out, jobs=2, progress=False)

    analysis = json.loads((out / "items.json").read_text())
    assert analysis["submissions"] == 2 + len(MUTANTS) + len(ALTERNATIVES)
    cases = by_case(analysis)
    for mutant in MUTANTS.values():
        for title in mutant["loses"]:
            assert cases[title]["pass_rate"] < 1, title
            assert cases[title]["failures"], f"{title}: no failure message grouped"
    for item in analysis["cases"]:
        assert item["flag"] == "", item
        assert item["point_biserial"] is not None and item["point_biserial"] > 0, item
    page = (out / "report.html").read_text()
    assert "Item analysis" in page and "questions.png" in page
    assert (out / "questions.png").stat().st_size > 1000
