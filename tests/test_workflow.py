"""The GitHub Classroom workflow is valid and does what it promises (Actions cannot
run here): schema-valid (SchemaStore's github-workflow schema, vendored by
check-jsonschema, plus its require-timeout rule), CPU-only torch, check then
grade in the sandbox, Classroom's reporter fed by our payload; every shell step
parses, and its Python snippets run."""

import re
import subprocess
import sys
import textwrap

import pytest
import yaml

from autograder.core.assignment import REPO_ROOT

WORKFLOWS = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
CLASSROOM = REPO_ROOT / ".github" / "workflows" / "classroom.yml"


def steps():
    data = yaml.safe_load(CLASSROOM.read_text())
    return data, data["jobs"]["grade"]["steps"]


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_workflows_match_the_schema(schema):
    pytest.importorskip("check_jsonschema")
    assert WORKFLOWS
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            schema,
            *map(str, WORKFLOWS),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_classroom_workflow_installs_cpu_torch_checks_grades_and_reports():
    data, all_steps = steps()
    assert set(data["on"]) >= {"push"} and data["permissions"]["checks"] == "write"
    assert data["jobs"]["grade"]["name"] == "Autograding Tests"  # the check the reporter updates
    runs = "\n".join(s.get("run", "") for s in all_steps)
    assert "--index-url https://download.pytorch.org/whl/cpu torch" in runs
    assert "python -m autograder check" in runs
    assert re.search(r"sudo .*python\)\" -m autograder \\\n\s+grade ", runs)
    reporter = next(s for s in all_steps if "autograding-grading-reporter" in s.get("uses", ""))
    runner = reporter["with"]["runners"]
    assert f"{runner.upper()}_RESULTS" in reporter["env"]
    assert f"steps.{runner}.outputs.result" in reporter["env"][f"{runner.upper()}_RESULTS"]
    assert any(
        s.get("id") == runner and "autograder.verbs.classroom" in s["run"] for s in all_steps
    )
    for step in all_steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]


def test_every_shell_step_parses():
    _, all_steps = steps()
    for step in all_steps:
        if "run" in step:
            script = re.sub(r"\$\{\{[^}]*\}\}", "x", step["run"])
            done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
            assert done.returncode == 0, (step.get("name"), done.stderr)


def embedded_python(step_name: str) -> str:
    _, all_steps = steps()
    run = next(s["run"] for s in all_steps if s.get("name") == step_name)
    return textwrap.dedent(run.split("<<'PY'")[1].split("\nPY")[0].split("\n", 1)[1])


def test_find_the_assignment_picks_the_students_folder(tmp_path):
    """Run the workflow's snippet on a course-repository layout: it must choose the
    folder holding config.toml and the files it names (the template), not the
    assignment folder (config and tests only)."""
    shutil_tree = tmp_path / "submission"
    (shutil_tree / "assignments" / "hw1_autograd").mkdir(parents=True)
    (shutil_tree / "student_template" / "hw1_autograd").mkdir(parents=True)
    config = (REPO_ROOT / "assignments" / "hw1_autograd" / "config.toml").read_text()
    for folder in ("assignments", "student_template"):
        (shutil_tree / folder / "hw1_autograd" / "config.toml").write_text(config)
    (shutil_tree / "student_template" / "hw1_autograd" / "myrelu.py").write_text("x = 1\n")
    done = subprocess.run(
        [sys.executable, "-c", embedded_python("Find the assignment")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.stdout.split() == [
        "name=hw1_autograd",
        "dir=submission/student_template/hw1_autograd",
    ]


def test_step_summary_snippet_reads_a_results_file(tmp_path):
    (tmp_path / "results.json").write_text(
        '{"score": 2, "output": "Graded.", "tests": [{"name": "q1: a", "score": 2, '
        '"max_score": 2, "status": "passed", "output": "", "visibility": "visible"}, '
        '{"name": "q1: hidden one", "score": 0, "max_score": 1, "status": "failed", '
        '"output": "", "visibility": "after_published"}]}'
    )
    done = subprocess.run(
        [sys.executable, "-c", embedded_python("Score for Classroom")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert "## Score: 2 / 3" in done.stdout and "PASS q1: a" in done.stdout
    assert "hidden one" not in done.stdout
