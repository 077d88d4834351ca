"""`python -m autograder zip <hw>`: the Gradescope autograder zip, built by `otter generate`.

The zip holds the assignment's test files (public and hidden), the
`autograder` package and the assignment folder (config, tests and their
helpers in tests/support/) as support
files, and a requirements file that installs CPU-only torch on Gradescope (no
CUDA download; Gradescope's default machines have no GPU).

Two ways to run it, same test files, same scores:
  - on Gradescope, `run_autograder` grades with our engine, student code in the
    sandbox (`autograder gradescope`, verbs/gradescope.py), judges outside it;
  - `otter run -a <zip> <submission.py>` uses otter's in-process runner.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from ..core.assignment import PACKAGE_ROOT, SUPPORT_DIR, config, find_assignment_dir, test_files

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
        shutil.copytree(
            PACKAGE_ROOT,
            stage / "autograder",
            ignore=shutil.ignore_patterns("__pycache__", "benchmarks"),
        )
        (stage / "assignments" / hw).mkdir(parents=True)
        shutil.copy(find_assignment_dir(hw) / "config.toml", stage / "assignments" / hw)
        shutil.copytree(stage / "tests", stage / "assignments" / hw / "tests")
        # otter generate takes tests/*.py only; the helpers go with the assignment
        # folder, where the engine and otter's runner (testing.support) find them
        support = find_assignment_dir(hw) / "tests" / SUPPORT_DIR
        for path in sorted(support.glob("*.py")):
            (stage / "assignments" / hw / "tests" / SUPPORT_DIR).mkdir(exist_ok=True)
            shutil.copy(path, stage / "assignments" / hw / "tests" / SUPPORT_DIR / path.name)
        (stage / "requirements.txt").write_text(GRADESCOPE_REQUIREMENTS)
        (stage / "otter_config.json").write_text(
            json.dumps(
                {
                    "lang": "python",
                    "seed": cfg.seed,
                    "show_stdout": False,
                    "show_hidden": False,
                    "assignment_name": hw,
                },
                indent=2,
            )
        )
        command = [
            sys.executable,
            "-m",
            "otter",
            "generate",
            "--tests-dir",
            "tests",
            "--python-version",
            "3.11",
            "--requirements",
            "requirements.txt",
            "--config",
            "otter_config.json",
            "--output-path",
            str(output),
            "autograder",
            "assignments",
        ]
        subprocess.run(command, cwd=stage, check=True, stdout=subprocess.DEVNULL)
    replace_member(output, "run_autograder", RUN_AUTOGRADER.format(hw=hw))
    return output


# Gradescope runs this as root in a throwaway container (otter's setup.sh made otter-env).
RUN_AUTOGRADER = """\
#!/bin/bash
# Grade with the course engine: student code in a sandboxed worker, judges outside it.
export PATH=/root/miniforge3/bin:$PATH
eval "$(mamba shell hook --shell bash)"
mamba activate otter-env
cd /autograder/source/files && python -m autograder gradescope {hw}
"""


def replace_member(archive: Path, name: str, text: str) -> None:
    """Rewrite one file of a zip (zipfile cannot replace in place)."""
    with zipfile.ZipFile(archive) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in members:
            new.writestr(info, text.encode() if info.filename == name else data)


def main(hw: str, out_dir: str) -> int:
    print(f"wrote {build(hw, Path(out_dir))}")
    return 0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("hw")
    p.add_argument("--out-dir", default="dist")


def run(args: argparse.Namespace) -> int:
    return main(args.hw, args.out_dir)
