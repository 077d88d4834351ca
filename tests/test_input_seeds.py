"""Inputs drawn from the grader's seed (a probe's `seed`, testing.input_seed) judge
alike whatever the seed: for every assignment whose tests draw them, the reference
and each alternative earn full marks and each mutant loses the cases it names, at
seeds far apart. (A fixed seed once hid a gate that a maskless backward passed when
a 5-element draw happened to hold no negative value.)

Graded in a process of its own, as the command line grades, so workers are forked
warm and the dozens of gradings stay quick."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from autograder.settings import COURSE, all_assignments

SEEDS = [1, 123_456_789, 2**31 - 1]

DRAWING = [
    hw
    for hw in all_assignments()
    if any("input_seed(" in p.read_text() for p in (COURSE.assignments / hw / "tests").glob("*.py"))
]

GRADE_AT_SEEDS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from autograder.core import engine, variants
    from autograder.settings import COURSE

    hw, seeds, tmp = sys.argv[1], json.loads(sys.argv[2]), Path(sys.argv[3])
    known = variants.load(hw)
    folders = {"reference": (COURSE.solutions / hw, None)}
    for name, alt in known.ALTERNATIVES.items():
        folders[name] = (variants.write(hw, tmp / name, alt["replace"], alt.get("file")), None)
    for name, mutant in known.MUTANTS.items():
        folder = variants.write(hw, tmp / name, mutant["replace"], mutant.get("file"))
        folders[name] = (folder, mutant["loses"])
    problems = []
    for seed in seeds:
        engine.input_seed = lambda *args, seed=seed: seed
        for name, (folder, loses) in folders.items():
            report = engine.grade(hw, folder)
            scores = {case.title: case.score for case in report.cases}
            if loses is None and report.score != report.max_score:
                lost = [title for title, score in scores.items() if not score]
                problems.append(f"seed {seed}: {name} lost {lost}")
            for title in loses or []:
                if scores.get(title, 0):
                    problems.append(f"seed {seed}: mutant {name} kept {title}")
    print(json.dumps(problems))
    """
)


@pytest.mark.parametrize("hw", DRAWING)
def test_mutants_and_alternatives_judge_alike_at_any_input_seed(hw, tmp_path):
    env = {**os.environ, "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [sys.executable, "-c", GRADE_AT_SEEDS, hw, json.dumps(SEEDS), str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    problems = json.loads(done.stdout.strip().splitlines()[-1])
    assert not problems, "\n".join(problems)


def test_some_assignment_draws_its_inputs_from_the_grader():
    assert "hw1_autograd" in DRAWING
