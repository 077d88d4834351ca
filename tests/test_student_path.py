"""A student's path, as a newcomer walks it on a machine that has never seen the
repository: the wheel holds the engine and nothing of the answers; the handout
zip, unpacked into an empty folder, is checked by the `autograder` command of a
fresh virtual environment that got the grader from the wheel (its declared
dependencies, torch among them, are reused from this environment through a .pth
file: nothing is downloaded, and a dependency the wheel does not declare is
missing there as on a student's machine)."""

import importlib.metadata
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder import __version__
from autograder.core.assignment import REPO_ROOT
from autograder.datasets import SHARED_DATA
from autograder.verbs import handouts

SOLUTIONS = REPO_ROOT / "solutions"
ANSWER_SUFFIXES = (".pt", ".pth")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Wheel and sdist built offline from a copy of the package files, as `make dist`
    does (a copy, so parallel test workers never share setuptools' build folder)."""
    out = tmp_path_factory.mktemp("dist")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "MANIFEST.in", "README.md"):
        shutil.copy(REPO_ROOT / name, source / name)
    shutil.copytree(
        REPO_ROOT / "autograder",
        source / "autograder",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    return out


def members(built: Path) -> dict[str, list[str]]:
    wheel = built / handouts.WHEEL
    sdist = next(built.glob("*.tar.gz"))
    with zipfile.ZipFile(wheel) as z, tarfile.open(sdist) as t:
        return {"wheel": z.namelist(), "sdist": [m.split("/", 1)[-1] for m in t.getnames()]}


def test_wheel_and_sdist_hold_the_engine_and_no_answer(built):
    """The wheel can be published to students as it is: the engine, its data and a
    console script; no solution, no assignment test file, no trained checkpoint, no
    repo test (whose mutants are pieces of the solutions)."""
    for kind, names in members(built).items():
        assert "autograder/verbs/check.py" in names and "autograder/core/engine.py" in names, kind
        assert "autograder/data/digits.npz" in names, kind
        for name in names:
            top = name.split("/", 1)[0]
            assert top not in ("solutions", "assignments", "student_template", "tests"), (
                f"{kind} holds {name}"
            )
            assert not name.endswith(ANSWER_SUFFIXES), f"{kind} holds a checkpoint: {name}"
            assert "/tests/" not in name, f"{kind} holds a test file: {name}"
            assert not name.startswith("autograder/benchmarks"), f"{kind} holds {name}"
    with zipfile.ZipFile(built / handouts.WHEEL) as z:
        for name in z.namelist():
            if name.endswith(".py"):
                text = z.read(name).decode()
                assert "# BEGIN SOLUTION\n" not in text, name
        entry_points = z.read(f"dl_homework_grader-{__version__}.dist-info/entry_points.txt")
    assert b"autograder = autograder.__main__:run" in entry_points


# Run at every start of the newcomer's Python (and so of its grading workers) by a .pth
# line: this test environment's site-packages stays on sys.path (so the sandbox binds
# it), but only the wheel's declared dependencies are found at its top level there, as
# if pip had installed just those: anything else is missing, importlib.util.find_spec
# included.
ONLY_DECLARED = """import sys

ALLOWED = {allowed!r}


class OnlyDeclared:
    def __init__(self, finder):
        self.finder = finder

    def find_spec(self, name, target=None):
        return self.finder.find_spec(name, target) if name in ALLOWED else None

    def invalidate_caches(self):
        self.finder.invalidate_caches()


for hook in sys.path_hooks:
    try:
        sys.path_importer_cache[{ours!r}] = OnlyDeclared(hook({ours!r}))
        break
    except ImportError:
        pass
"""


def declared_closure(wheel: Path) -> set[str]:
    """The top-level entries of this environment's site-packages that belong to the
    wheel's runtime requirements and, transitively, theirs (markers evaluated, no
    extras): what `pip install <wheel>` would bring, taken from here."""
    with zipfile.ZipFile(wheel) as z:
        metadata = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        lines = z.read(metadata).decode().splitlines()
    todo = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Requires-Dist:")]
    seen, tops = set(), set()
    while todo:
        requirement = Requirement(todo.pop())
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed here: the test fails where it is needed
        for file in dist.files or []:
            if not file.parts[0].startswith(".."):  # scripts live outside site-packages
                tops.add(file.parts[0])
        todo += dist.requires or []
    return tops


@pytest.fixture(scope="module")
def newcomer(built, tmp_path_factory) -> dict:
    """A fresh venv outside the repository with the grader installed from the wheel
    (no index, no deps), then the wheel's declared dependencies from this environment
    (torch among them), so nothing is downloaded and nothing undeclared is found."""
    home = tmp_path_factory.mktemp("newcomer")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--disable-pip-version-check",
            str(built / handouts.WHEEL),
        ],
        check=True,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # Only what the wheel declares it needs (and what those need in turn) may be imported
    # from this environment: a dependency the wheel forgot fails here, as for a student.
    ours = sysconfig.get_paths()["purelib"]
    allowed = sorted({top.removesuffix(".py") for top in declared_closure(built / handouts.WHEEL)})
    Path(site, "_only_declared.py").write_text(ONLY_DECLARED.format(ours=ours, allowed=allowed))
    Path(site, "_declared_from_test_env.pth").write_text(f"{ours}\nimport _only_declared\n")
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home / "home"),
        "LANG": "C.UTF-8",
    }  # nothing of the test's own environment (PYTHONPATH, ...)
    return {"venv": venv, "env": env, "root": home}


def run(newcomer, args, cwd: Path, **extra_env) -> subprocess.CompletedProcess:
    return subprocess.run(
        args,
        cwd=cwd,
        env={**newcomer["env"], **extra_env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def unpack_handout(hw: str, built: Path, newcomer: dict, name: str) -> Path:
    """dist/<hw>-student.zip, as `make handouts` writes it, unzipped into an empty folder."""
    archive = handouts.build(hw, built, built / handouts.WHEEL)
    empty = newcomer["root"] / name
    empty.mkdir()
    with zipfile.ZipFile(archive) as z:
        z.extractall(empty)
    assert (empty / hw / "grader" / handouts.WHEEL).is_file()
    return empty / hw


def test_the_grader_comes_from_the_wheel(newcomer):
    done = run(
        newcomer,
        [
            str(newcomer["venv"] / "bin" / "python"),
            "-c",
            "import autograder, sys; print(autograder.__file__); print(sys.path)",
        ],
        cwd=newcomer["root"],
    )
    location, path = done.stdout.splitlines()
    assert Path(location).is_relative_to(newcomer["venv"]), location
    assert str(REPO_ROOT) not in eval(path), "the repository is on the newcomer's sys.path"
    version = run(newcomer, ["autograder", "--version"], cwd=newcomer["root"])
    assert version.stdout.strip() == f"autograder {__version__}"


def test_hw1_from_the_handout_zip(built, newcomer):
    """Stub: public score 0, every failure names the unwritten function. Reference:
    full public score, exit 0. A wrong backward: q2 fails about the gradient."""
    folder = unpack_handout("hw1_autograd", built, newcomer, "hw1")
    stub = run(newcomer, ["autograder", "check"], cwd=folder)
    assert stub.returncode == 1, stub.stdout + stub.stderr
    assert "Public score: 0/" in stub.stdout
    failures = stub.stdout.split("[FAIL]")[1:]
    assert failures and all(
        "Not written yet:" in f and "NotImplementedError" in f for f in failures
    ), stub.stdout
    assert all(
        any(
            name in f
            for name in ("my_relu", "MyReLU", "grad_dot_squared", "vector_jacobian_product")
        )
        for f in failures
    )
    assert "Traceback" not in stub.stdout + stub.stderr

    shutil.copy(SOLUTIONS / "hw1_autograd" / "myrelu.py", folder / "myrelu.py")
    right = run(newcomer, ["autograder", "check"], cwd=folder)
    assert right.returncode == 0, right.stdout + right.stderr
    score = right.stdout.split("Public score: ")[1].split()[0]
    got, total = score.split("/")
    assert got == total and float(total) > 0, right.stdout

    source = (folder / "myrelu.py").read_text()
    wrong = source.replace("        grad_input[input < 0] = 0\n", "")  # passes all through
    assert wrong != source
    (folder / "myrelu.py").write_text(wrong)
    q2 = run(newcomer, ["autograder", "check", "-q", "q2"], cwd=folder)
    assert q2.returncode == 1
    assert "q2_backward" in q2.stdout and "q1_forward" not in q2.stdout, q2.stdout
    message = q2.stdout.split("[FAIL] gradient:")[1].splitlines()[1]
    assert "x.grad" in message and "is wrong" in message and "should be 0" in message, message
    from_parent = run(
        newcomer, ["autograder", "check", "hw1_autograd", "-q", "q1"], cwd=folder.parent
    )
    assert from_parent.returncode == 0 and "q1_forward" in from_parent.stdout, from_parent.stdout


def test_hw2_says_which_data_it_used(built, newcomer, tmp_path):
    """With no MNIST at hand the check uses the embedded digits and says so; with
    AUTOGRADER_DATA naming a folder of MNIST idx files, it says MNIST from there."""
    folder = unpack_handout("hw2_logistic", built, newcomer, "hw2")
    shutil.copy(SOLUTIONS / "hw2_logistic" / "logistic.py", folder / "logistic.py")
    offline = run(newcomer, ["autograder", "check", "-q", "q4"], cwd=folder)
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert "embedded digits" in offline.stdout and "not MNIST" in offline.stdout
    if (SHARED_DATA / "MNIST" / "raw").is_dir():
        named = run(
            newcomer,
            ["autograder", "check", "-q", "q4"],
            cwd=folder,
            AUTOGRADER_DATA=str(SHARED_DATA),
        )
        assert named.returncode == 0, named.stdout + named.stderr
        assert f"MNIST from {SHARED_DATA}" in named.stdout, named.stdout


def test_check_twice_gives_the_same_answer_and_helpers_import(built, newcomer):
    """The student's file may import a helper module written beside it, and a second
    check (caches warm, nothing left behind in the folder) says the same."""
    folder = unpack_handout("hw1_autograd", built, newcomer, "twice")
    source = (SOLUTIONS / "hw1_autograd" / "myrelu.py").read_text()
    (folder / "relu_helpers.py").write_text("def positive_part(t):\n    return t.clamp(min=0)\n")
    (folder / "myrelu.py").write_text(
        source.replace(
            "import torch\n", "import torch\nfrom relu_helpers import positive_part\n", 1
        ).replace("return input.clamp(min=0)", "return positive_part(input)")
    )
    before = sorted(p.name for p in folder.rglob("*"))
    first, second = (run(newcomer, ["autograder", "check"], cwd=folder) for _ in range(2))
    assert first.returncode == 0, first.stdout + first.stderr

    def without_times(text):
        return [line.split(" (")[0] for line in text.splitlines()]

    assert without_times(first.stdout) == without_times(second.stdout)
    assert sorted(p.name for p in folder.rglob("*")) == before, "the check left files behind"


def test_outside_an_assignment_folder_the_message_says_where_to_run(newcomer):
    empty = newcomer["root"] / "not-an-assignment"
    empty.mkdir()
    done = run(newcomer, ["autograder", "check"], cwd=empty)
    assert done.returncode != 0 and "config.toml" in done.stderr
    assert "Traceback" not in done.stderr
    instructor_only = run(newcomer, ["autograder", "student"], cwd=empty)
    assert instructor_only.returncode != 0 and "course repository" in instructor_only.stderr
    assert "Traceback" not in instructor_only.stderr
