"""`python -m autograder.sandbox --check`: what the sandbox gives on this machine."""

import json
import os
import subprocess
import sys
from pathlib import Path

from ..settings import PACKAGE_ROOT
from .host import Sandbox
from .limits import Limits
from .paths import SHARED_TMP, outside_system_dirs
from .zygote import why_not_fork

CHECK_SCRIPT = """import json, os, sys
wrote = []
for folder in sys.argv[2:]:
    try:
        with open(os.path.join(folder, sys.argv[1]), "w") as f:
            f.write("x")
        wrote.append(folder)
    except OSError:
        pass
print(json.dumps({"uid": os.getuid(), "root": sorted(os.listdir("/")), "wrote": wrote}))
"""


def check() -> dict:
    """What the sandbox gives on this machine: start a trivial worker that lists its
    root and writes into the usual shared temporary folders, and report."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="autograder-check-") as tmp:
        root = Path(tmp)
        for name in ("lib/autograder", "probes", "submission", "home"):
            (root / name).mkdir(parents=True)
        box = Sandbox(root, Limits(), hide=[str(PACKAGE_ROOT.parent), *outside_system_dirs()])
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(root / "lib")}
        name = f"autograder-check-{os.getpid()}"
        process = box.start(
            [sys.executable, "-c", CHECK_SCRIPT, name, *SHARED_TMP],
            env,
            "submission",
            stdout=subprocess.PIPE,
        )
        out = process.stdout.read().decode().strip()
        process.wait()
        cgroup = (
            f"{box.cgroup.version} ({', '.join(box.cgroup.controllers())})"
            if box.cgroup
            else f"none: {box.no_cgroup}"
        )
        shared = [f for f in SHARED_TMP if os.path.exists(os.path.join(f, name))]
        box.kill()
        for folder in shared:  # 'limits' mode: the grader's own user wrote them
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                pass
        try:
            seen = json.loads(out)
        except ValueError:
            seen = {"uid": out, "root": [], "wrote": []}
        lines = box.describe()
        return {
            "mode": box.report.get("mode"),
            "cgroup": cgroup,
            "uid_seen_by_worker": str(seen["uid"]),
            "root_seen_by_worker": seen["root"],
            "host_folders_it_could_write": shared,
            "measures": [m for m in lines if not m.startswith("NOT: ")],
            "missing": [m[5:] for m in lines if m.startswith("NOT: ")],
            "warm_workers": (
                "the same measures, the worker forked from a grading process with torch "
                "loaded (zygote.py) where that process runs one thread and its "
                "PYTHONHASHSEED is the config's seed, as the command line starts it; "
                "this process: " + (why_not_fork() or "could fork one")
            ),
        }
