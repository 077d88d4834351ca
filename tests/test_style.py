"""The code keeps the style the project set in pyproject.toml: `ruff check` and
`ruff format --check` find nothing (student_template/ is generated, and
checked against its sources by test_student_template)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.settings import REPO_ROOT

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


@pytest.mark.skipif(RUFF is None, reason="ruff is not installed (requirements.txt installs it)")
@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(command):
    done = subprocess.run([RUFF, *command], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-1000:]
