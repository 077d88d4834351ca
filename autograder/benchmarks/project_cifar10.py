"""project_cifar10 benchmark: what grading costs on Gradescope's default container
(half a vCPU, 768 MB), where the grader evaluates model.pt on 10,000 images.

    python -m autograder.benchmarks.project_cifar10

1. Evaluation throughput (images/s) of each reference model (default SmallVGG
   and SmallResNet) on one CPU thread, as the grader runs it, and the seconds
   for 10,000 images at full speed and at half a vCPU.
2. Grading the reference submission in a subprocess (one thread): wall time
   and peak memory, as the largest single process (ru_maxrss) and as the sum
   over the grader and its worker sampled every 50 ms (RSS, and anonymous RSS,
   which leaves out the shared libraries counted once per process). Once on the default
   generated stand-in (1,000 test images), once on a generated set with
   CIFAR10's 10,000 test images (no real CIFAR10 here; the cost is the same).
"""

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch

from autograder.core.assignment import REPO_ROOT, config

HW = "project_cifar10"
SOLUTION = REPO_ROOT / "solutions" / HW
IMAGES = 1000  # timed per model, then scaled to 10,000
BUDGET_MB = 768


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference():
    return load("project_cifar10_reference_models", SOLUTION / "models.py")


def predict(model, images, batch):
    """The grader's own evaluation loop (the project's tests/support/checkpoints.py)."""
    checkpoints = load(
        "project_cifar10_checkpoints",
        REPO_ROOT / "assignments" / HW / "tests" / "support" / "checkpoints.py",
    )
    return checkpoints.predict(model, images, batch)


def throughput(model, images, batch) -> float:
    predict(model, images[:batch], batch)  # warm up
    started = time.perf_counter()
    predict(model, images, batch)
    return len(images) / (time.perf_counter() - started)


def tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, anonymous RSS) of a process and its descendants together, in MB. RSS counts
    the shared libraries (torch's are large) once per process; anonymous memory does not
    include them (the sandbox's memory watchdog measures this one)."""
    from autograder.sandbox import _status_kb, processes_of

    pids = processes_of(root)
    return (
        sum(_status_kb(pid, "VmRSS:") for pid in pids) / 1024,
        sum(_status_kb(pid, "RssAnon:") for pid in pids) / 1024,
    )


BASELINE = (
    "import resource, torch; a = [l for l in open('/proc/self/status') "
    "if l.startswith('RssAnon')][0].split()[1]; "
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, a)"
)


def torch_baseline() -> tuple[float, float]:
    """(peak RSS, anonymous RSS) in MB of a process that only imports torch."""
    out = subprocess.run(
        [sys.executable, "-c", BASELINE], capture_output=True, text=True, check=True
    ).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024


# Runs the grade and reports the largest ru_maxrss among its descendants (grader, sandbox
# launcher, worker), so each measurement is on its own.
WRAPPER = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
    "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def grade_and_watch(env: dict) -> dict:
    """Grade the reference in a subprocess; peak RSS of its process tree, sampled."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRAPPER,
                sys.executable,
                "-m",
                "autograder",
                "grade",
                HW,
                str(SOLUTION),
                "--out",
                str(Path(tmp) / "results.json"),
            ],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        peak = [0.0, 0.0]

        def watch():
            while process.poll() is None:
                rss, anon = tree_memory_mb(process.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], anon)
                time.sleep(0.05)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        largest = int(process.communicate()[0].strip() or 0) / 1024
        watcher.join()
        wall = time.monotonic() - started
        results = json.loads((Path(tmp) / "results.json").read_text())
    notes = [t["output"] for t in results["tests"] if "accuracy_full" in t["name"]]
    return {
        "wall": wall,
        "sum_peak": peak[0],
        "anon_peak": peak[1],
        "largest": largest,
        "score": results["score"],
        "max": sum(t["max_score"] for t in results["tests"]),
        "note": " ".join(notes),
    }


def run() -> list[str]:
    torch.set_num_threads(1)
    batch = config(HW)["eval_batch"]
    images = torch.randint(
        0, 256, (IMAGES, 3, 32, 32), dtype=torch.uint8, generator=torch.Generator().manual_seed(0)
    )
    module = reference()
    lines = [
        f"evaluation on 1 CPU thread, batches of {batch} (goal: 10,000 images well "
        f"under the {config(HW).timeouts['q6_accuracy']} s limit at half a vCPU)"
    ]
    for name in ("SmallVGG", "SmallResNet"):
        model = getattr(module, name)().eval()
        rate = throughput(model, images, batch)
        params = sum(p.numel() for p in model.parameters())
        lines.append(
            f"  {name:<12}{params:>10,} params  {rate:8.0f} images/s   10,000 images: "
            f"{10000 / rate:5.1f} s ({20000 / rate:5.1f} s at half a vCPU)"
        )
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("AUTOGRADER_DATA", None)
    runs = [("generated stand-in, 1,000 test images", env)]
    tmp = tempfile.mkdtemp(prefix="cifar10-10k-")
    os.chmod(tmp, 0o755)  # the sandboxed worker runs as another user
    from autograder.datasets import generated_cifar10

    generated_cifar10(Path(tmp), n_train=500, n_test=10000)
    runs.append(("generated set with 10,000 test images", {**env, "AUTOGRADER_DATA": tmp}))
    base, base_anon = torch_baseline()
    lines.append(
        f"grading the reference (build_model() = SmallResNet) in a subprocess, "
        f"1 thread (goal: peak <= {BUDGET_MB} MB; for scale, a process that only "
        f"imports this torch peaks at {base:.0f} MB RSS, {base_anon:.0f} MB anonymous)"
    )
    for label, run_env in runs:
        m = grade_and_watch(run_env)
        lines.append(
            f"  {label}: {m['score']:g}/{m['max']:g} in {m['wall']:.1f} s; peak RSS "
            f"{m['largest']:.0f} MB largest process, {m['sum_peak']:.0f} MB all "
            f"processes together ({m['anon_peak']:.0f} MB anonymous)"
        )
        if m["note"]:
            lines.append(f"    {m['note'].splitlines()[-1]}")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
