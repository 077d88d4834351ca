"""`python -m autograder zip <hw>`: the Gradescope autograder zip, built by `otter generate`.

The zip holds the assignment's test files (public and hidden), the
`autograder` package and the assignment config as support files, and a
requirements file that installs CPU-only torch on Gradescope (no CUDA
download; Gradescope's default machines have no GPU).
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .assignment import PACKAGE_ROOT, config, find_assignment_dir, test_files

# Gradescope installs these into otter's environment. CPU wheels come from PyTorch's index.
GRADESCOPE_REQUIREMENTS = """\
--extra-index-url https://download.pytorch.org/whl/cpu
torch==2.14.1
torchvision==0.29.1
numpy
matplotlib
scikit-learn
jsonschema
"""


def build(hw: str, out_dir: Path) -> Path:
    cfg = config(hw)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / f"{hw}-autograder.zip"
    with tempfile.TemporaryDirectory(prefix="autograder-zip-") as tmp:
        stage = Path(tmp)
        (stage / "tests").mkdir()
        for path in test_files(hw):
            shutil.copy(path, stage / "tests" / path.name)
        shutil.copytree(PACKAGE_ROOT, stage / "autograder",
                        ignore=shutil.ignore_patterns("__pycache__", "benchmarks"))
        (stage / "assignments" / hw).mkdir(parents=True)
        shutil.copy(find_assignment_dir(hw) / "config.toml", stage / "assignments" / hw)
        (stage / "requirements.txt").write_text(GRADESCOPE_REQUIREMENTS)
        (stage / "otter_config.json").write_text(json.dumps({
            "lang": "python", "seed": cfg.seed, "show_stdout": False, "show_hidden": False,
            "assignment_name": hw}, indent=2))
        command = [sys.executable, "-m", "otter", "generate", "--tests-dir", "tests",
                   "--python-version", "3.11",
                   "--requirements", "requirements.txt", "--config", "otter_config.json",
                   "--output-path", str(output), "autograder", "assignments"]
        subprocess.run(command, cwd=stage, check=True, stdout=subprocess.DEVNULL)
    return output


def main(hw: str, out_dir: str) -> int:
    print(f"wrote {build(hw, Path(out_dir))}")
    return 0
