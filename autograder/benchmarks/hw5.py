"""hw5_piecewise benchmark: the reference `gradient_field` (one batched pass)
against the notes' double loop (one autograd call per point).

    python -m autograder.benchmarks.hw5

The loop is timed on a smaller grid and scaled to the 160,000 points of a
400 x 400 picture; the goal is a speed-up of at least 100x.
"""

import importlib.util
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import torch

from autograder.core.assignment import REPO_ROOT

SIZE = 400
LOOP_SIZE = 40  # the double loop runs on LOOP_SIZE^2 points and is scaled up
GOAL = 100.0


def reference() -> ModuleType:
    """The reference solution, imported by path (solutions/ is not a package)."""
    path = REPO_ROOT / "solutions" / "hw5_piecewise" / "piecewise.py"
    spec = importlib.util.spec_from_file_location("hw5_reference_piecewise", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference_net(module: ModuleType) -> torch.nn.Module:
    torch.manual_seed(0)
    return module.ReLUNet2D()


def notes_double_loop(net: torch.nn.Module, size: int, extent: float = 1.0) -> torch.Tensor:
    """The notes' loop, corrected: one autograd call per cell centre."""
    step = 2 * extent / size
    field = torch.zeros(size, size, 2)
    for i in range(size):
        for j in range(size):
            q = torch.tensor(
                [-extent + (j + 0.5) * step, -extent + (i + 0.5) * step], requires_grad=True
            )
            (grad,) = torch.autograd.grad(net(q[None]).sum(), q)
            field[i, j] = grad
    return field


def best_time(function: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> list[str]:
    """The report lines (make bench prints them)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        module = reference()
        net = reference_net(module)
        batched = best_time(lambda: module.gradient_field(net, SIZE), repeats=5)
        loop_small = best_time(lambda: notes_double_loop(net, LOOP_SIZE), repeats=2)
        loop = loop_small * (SIZE / LOOP_SIZE) ** 2
        # The two methods agree where they overlap.
        small = module.gradient_field(net, LOOP_SIZE)
        agree = float((small - notes_double_loop(net, LOOP_SIZE)).abs().max())
        regions = module.count_linear_regions(net, SIZE)
        ratio = loop / batched
        lines = [
            f"hw5 gradient_field, {SIZE}x{SIZE} grid, 1 thread, reference ReLUNet2D (seed 0)",
            f"  batched pass (reference): {batched * 1e3:9.1f} ms",
            f"  notes' double loop:       {loop * 1e3:9.1f} ms  ({SIZE * SIZE:,} autograd calls; "
            f"timed on {LOOP_SIZE}x{LOOP_SIZE} and scaled)",
            f"  speed-up: {ratio:,.0f}x  (goal >= {GOAL:g}x: {'met' if ratio >= GOAL else 'NOT met'})",
            f"  max |batched - loop| on {LOOP_SIZE}x{LOOP_SIZE}: {agree:.1e}",
            f"  linear pieces seen on the {SIZE}x{SIZE} grid: {regions}",
        ]
    finally:
        torch.set_num_threads(threads)
    return lines


def render_reference_png(path: str | Path) -> Path:
    """Draw the linear pieces of the reference net (seed 0) into a PNG at `path`."""
    module = reference()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    module.plot_linear_regions(reference_net(module), str(path), size=SIZE, extent=1.0)
    return path


if __name__ == "__main__":
    print("\n".join(run()))
