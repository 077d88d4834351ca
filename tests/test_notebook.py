"""The notebook edition (autograder/notebook.py): run in a real kernel (nbclient +
ipykernel) its check cells say the same as the command line, and a notebook
handed in grades like the equivalent .py."""

import json
import shutil

import nbformat
import pytest
from harness import assert_full_marks, assert_zero, grade, variant
from nbclient import NotebookClient

from autograder import notebook
from autograder.core.assignment import PACKAGE_ROOT
from autograder.verbs.student import build


def student_folder(hw, tmp_path, *, solution=False):
    """The folder a student gets, the .py taken away: only the notebook holds code."""
    folder = tmp_path / hw
    build(hw, folder)
    for path in folder.glob("*.py"):
        path.unlink()
    if solution:
        notebook.write_notebook(hw, folder, solution=True)
    return folder


def run_checks(folder, hw, monkeypatch) -> list[str]:
    """Execute the notebook top to bottom; the printed output of each check cell.
    Kernel "python3": jupyter_client starts it with this interpreter (sys.executable
    replaces the kernelspec's "python"). The grader is a copy of the package alone,
    as if installed: no repository beside it, only the student's folder."""
    lib = folder.parent / "installed"
    shutil.copytree(PACKAGE_ROOT, lib / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setenv("PYTHONPATH", str(lib))
    nb = nbformat.read(folder / f"{hw}.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import autograder; print(autograder.__file__)"))
    NotebookClient(
        nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": str(folder)}}
    ).execute()
    assert nb.cells[-1].outputs[0]["text"].startswith(str(lib)), "the kernel used another grader"
    checks = [c for c in nb.cells if c.cell_type == "code" and 'check("' in c.source]
    assert checks, "the notebook has no check cells"
    return ["".join(o.get("text", "") for o in c.outputs) for c in checks]


def edit_cells(folder, hw, replacements):
    """Apply (old, new) replacements to the code cells of the notebook on disk."""
    path = folder / f"{hw}.ipynb"
    nb = json.loads(path.read_text())
    for old, new in replacements:
        cells = [c for c in nb["cells"] if old in "".join(c["source"])]
        assert len(cells) == 1, f"replacement target not in exactly one cell: {old!r}"
        cells[0]["source"] = "".join(cells[0]["source"]).replace(old, new)
    path.write_text(json.dumps(nb))


@pytest.mark.parametrize("hw", ["hw1_autograd", "hw3_sampler"])
def test_solution_notebook_passes_every_check_and_grades_full(hw, tmp_path, monkeypatch):
    folder = student_folder(hw, tmp_path, solution=True)
    for output in run_checks(folder, hw, monkeypatch):
        assert "[PASS]" in output and "[FAIL]" not in output, output
        score = output.split("Public score: ")[1].split()[0]
        assert score.split("/")[0] == score.split("/")[1], output
    report = grade(hw, folder)
    assert_full_marks(report)
    assert not report.problems, report.problems


def test_untouched_notebook_runs_to_the_end_and_grades_zero(tmp_path, monkeypatch):
    hw = "hw1_autograd"
    folder = student_folder(hw, tmp_path)
    outputs = run_checks(folder, hw, monkeypatch)
    assert len(outputs) == 4  # one a question: the kernel ran every cell
    for output in outputs:
        assert "[PASS]" not in output and "Public score: 0/" in output, output
        assert "Not written yet:" in output and "still raises NotImplementedError" in output
    report = grade(hw, folder)
    assert_zero(report)
    assert not report.import_failed, report.problems
    assert all("Not written yet" in c.message for c in report.cases)


def test_a_cell_that_fails_to_run_is_named(tmp_path):
    hw = "hw1_autograd"
    folder = student_folder(hw, tmp_path, solution=True)
    edit_cells(folder, hw, [("def my_relu(x):", "scale = 1 / 0\n\n\ndef my_relu(x):")])
    report = grade(hw, folder)
    assert report.import_failed and report.score == 0
    message = report.problems[0]
    # code cells: the check import, the docstring and imports, MyReLU, then this one
    assert message.startswith(
        "Code cell 4 of your notebook (the one that starts `scale = 1 / 0`) failed to run."
    ), message
    assert "ZeroDivisionError" in message and "at code cell 4, line 1: scale = 1 / 0" in message
    assert "myrelu.py" not in message and "grader" not in message.lower()

    edit_cells(folder, hw, [("scale = 1 / 0", "scale = (1")])
    message = grade(hw, folder, only=["q1_forward"]).problems[0]
    assert message.startswith(
        "code cell 4 (the one that starts `scale = (1`) has a syntax error on its line 1"
    ), message


def test_notebook_grades_like_the_equivalent_py_for_a_mutant(tmp_path):
    hw = "hw1_autograd"  # "stale ctx attribute instead of save_for_backward", as cell edits
    replacements = [
        ("        ctx.save_for_backward(input)\n", "        ctx.input = input\n"),
        ("        input, = ctx.saved_tensors\n", "        input = ctx.input\n"),
    ]
    loses = ["q2_backward: save_for_backward"]
    from_py = grade(hw, variant(hw, tmp_path / "py", "myrelu.py", replacements))
    folder = student_folder(hw, tmp_path / "nb", solution=True)
    edit_cells(folder, hw, replacements)
    from_notebook = grade(hw, folder)
    assert [(c.title, c.score) for c in from_notebook.cases] == [
        (c.title, c.score) for c in from_py.cases
    ]
    assert {c.title for c in from_notebook.cases if not c.passed} == set(loses)


def test_module_source_leaves_out_checks_shell_lines_and_magics():
    cells = [
        {"cell_type": "markdown", "source": "# title"},
        {
            "cell_type": "code",
            "source": ["import torch\n", "!pip install x\n", "%matplotlib inline\n", "x = 1"],
        },
        {"cell_type": "code", "source": '# Q1\ncheck("q1")', "metadata": {"tags": ["check"]}},
        {"cell_type": "code", "source": 'y = 2\ncheck("q2")  # mine\ncheck(y)'},
        {"cell_type": "code", "source": "%%time\nz = 3"},
        {"cell_type": "code", "source": "def f():\n    !ls\n    return (x\n    % 2)"},
    ]
    source = notebook.module_source({"cells": cells}, "hw.ipynb")
    compile(source, "hw.py", "exec")
    lines = source.splitlines()
    assert lines[0].startswith(notebook.MARKER) and "z = 3" not in source
    assert lines[1:6] == [
        "# --- code cell 1 ---",
        "import torch",
        "pass  # left out: !pip install x",
        "pass  # left out: %matplotlib inline",
        "x = 1",
    ]
    assert lines[6:9] == ["# --- code cell 2 ---", "# Q1", 'pass  # left out: check("q1")']
    assert lines[9:13] == [
        "# --- code cell 3 ---",
        "y = 2",
        'pass  # left out: check("q2")  # mine',
        "check(y)",
    ]  # not a check: a call of the student's own
    assert lines[13:] == [
        "# --- code cell 5 ---",
        "def f():",
        "    pass  # left out: !ls",
        "    return (x",
        "    % 2)",
    ]  # modulo, not a magic


def test_which_notebook_is_graded(tmp_path):
    files = ["myrelu.py"]
    (tmp_path / "a.ipynb").write_text("{not json")
    assert (
        "a.ipynb could not be read as a Jupyter notebook"
        in notebook.write_module(tmp_path, "hw1_autograd", files)[0]
    )
    (tmp_path / "b.ipynb").write_text(json.dumps({"cells": []}))
    assert (
        "several notebooks (a.ipynb, b.ipynb)"
        in notebook.write_module(tmp_path, "hw1_autograd", files)[0]
    )
    shutil.copy(tmp_path / "b.ipynb", tmp_path / "hw1_autograd.ipynb")
    assert notebook.write_module(tmp_path, "hw1_autograd", files) == []
    assert (tmp_path / "myrelu.py").read_text().startswith(notebook.MARKER)
    (tmp_path / "myrelu.py").write_text("x = 1\n")  # a .py handed in is graded as it is
    assert notebook.write_module(tmp_path, "hw1_autograd", files) == []
    assert (tmp_path / "myrelu.py").read_text() == "x = 1\n"


def test_check_without_the_tests_folder_says_what_to_do(tmp_path, capsys):
    notebook.check("q1_forward", {}, folder=tmp_path)
    assert "put the tests/ folder you were given beside this notebook" in capsys.readouterr().out
