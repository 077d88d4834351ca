"""hw6_multigrid benchmark: multigrid against a dense direct solve, and the
V-cycle's rate beyond the grader's sizes.

    python -m autograder.benchmarks.hw6

1. Time to solve -u'' = f for n = 2^6 .. 2^13 with
   - `torch.linalg.solve` on the dense stiffness matrix (LU, ~n^3),
   - the reference `solve` (V-cycles on the dense matrix: every product with
     A and every Galerkin product touches n^2 entries, ~n^2),
   - the reference V-cycle run matrix-free (the stencil (-1, 2, -1)/h instead
     of A, the coarse stencil in place of R A P, which the grader checks is the
     same thing; the reference `restrict` and `prolong`): ~n.
   Printed as times, ratios and the growth exponent fitted over the largest sizes.
2. The matrix-free V-cycle at its true cost for n = 2^12 .. 2^20: seconds per
   cycle (best of repeats after a warm-up, set-up excluded), nanoseconds per
   unknown, and its residual factor per cycle at each n (the grader measures
   the reference up to 2^12: dense A is 134 MB there, 2.1 GB at 2^14). It is
   first checked to agree with the reference `v_cycle` on dense matrices.

Where a solve to a fixed tolerance used to look like n^1.3 (2^14..2^17): the
relative residual cannot go below rounding, ~1e-17 n^2 (the stencil's entries
are ~n), so from 2^15 a tolerance of 1e-8 is never met and every solve ran all
50 cycles instead of 9. A cycle itself grows as ~n, with two departures, both
printed: a fixed Python cost per level and per operation (~20 levels of ~50
small tensor operations; at 2^12 it is most of the cycle, which bends a plain
fit below 1), and the step when the vectors outgrow the L2 cache (1 MB of
float64 is 2^17 unknowns), after which each pass over them runs at memory speed.
"""

import importlib.util
import math
import time
from collections.abc import Callable, Sequence
from types import ModuleType

import torch

from autograder.core.assignment import REPO_ROOT

SIZES = [2**k for k in range(6, 14)]
REF_UP_TO = (
    2**12
)  # the reference solve on dense A: ~40 s more at 2^13, so it stops at the grader's limit
FIT_FROM = 2**10
CYCLE_SIZES = [2**k for k in range(12, 21)]
OVERHEAD_N = 2**5  # a cycle here is all Python overhead: its cost per level
TOL = 1e-8  # reachable in float64 up to 2^13 (the residual's rounding floor is ~1e-17 n^2)


def reference() -> ModuleType:
    """The reference solution, imported by path (solutions/ is not a package)."""
    path = REPO_ROOT / "solutions" / "hw6_multigrid" / "multigrid.py"
    spec = importlib.util.spec_from_file_location("hw6_reference_multigrid", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(x: torch.Tensor) -> torch.Tensor:
    return math.pi**2 * torch.sin(math.pi * x) + 4 * x


def stencil(x: torch.Tensor) -> torch.Tensor:
    """A x for the stiffness matrix of n = len(x) + 1 cells, without the matrix."""
    n = x.shape[-1] + 1
    padded = torch.nn.functional.pad(x, (1, 1))
    return (2 * padded[..., 1:-1] - padded[..., :-2] - padded[..., 2:]) * n


def matrix_free_v_cycle(
    ref: ModuleType, b: torch.Tensor, x: torch.Tensor, nu1: int = 2, nu2: int = 2
) -> torch.Tensor:
    """The reference v_cycle with A replaced by its stencil; the coarse operator
    R A P is the stencil of n/2 cells (galerkin_coarse's identity)."""
    n = b.shape[-1] + 1
    if n == 2:
        return b / 4.0
    diagonal = 2.0 * n
    for _ in range(nu1):
        x = x + ref.OMEGA * (b - stencil(x)) / diagonal
    coarse = matrix_free_v_cycle(
        ref, ref.restrict(b - stencil(x)), torch.zeros(n // 2 - 1, dtype=b.dtype), nu1, nu2
    )
    x = x + ref.prolong(coarse)
    for _ in range(nu2):
        x = x + ref.OMEGA * (b - stencil(x)) / diagonal
    return x


def matrix_free_solve(
    ref: ModuleType,
    f: Callable[[torch.Tensor], torch.Tensor],
    n: int,
    tol: float = TOL,
    max_cycles: int = 50,
    count: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, int, float]:
    """The solution u (n - 1 values); with `count`, (u, cycles run, relative residual)."""
    b = ref.load_vector(f, n)
    x = torch.zeros(n - 1, dtype=torch.float64)
    for cycles in range(max_cycles + 1):
        if torch.linalg.norm(b - stencil(x)) <= tol * torch.linalg.norm(b) or cycles == max_cycles:
            break
        x = matrix_free_v_cycle(ref, b, x)
    return (
        (x, cycles, float(torch.linalg.norm(b - stencil(x)) / torch.linalg.norm(b))) if count else x
    )


def dense_solve(ref: ModuleType, f: Callable[[torch.Tensor], torch.Tensor], n: int) -> torch.Tensor:
    return torch.linalg.solve(ref.stiffness_matrix(n), ref.load_vector(f, n))


def timed(function: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


def growth(sizes: Sequence[float], times: Sequence[float]) -> float:
    """Least-squares slope of log(time) against log(n)."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(t) for t in times]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def residual_factors(
    cycle: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], n: int, cycles: int = 3
) -> list[float]:
    g = torch.Generator().manual_seed(n)
    b = torch.randn(n - 1, generator=g, dtype=torch.float64)
    x = torch.randn(n - 1, generator=g, dtype=torch.float64)
    norms = [float(torch.linalg.norm(b - stencil(x)))]
    for _ in range(cycles):
        x = cycle(b, x)
        norms.append(float(torch.linalg.norm(b - stencil(x))))
    return [after / before for before, after in zip(norms, norms[1:])]


def per_cycle(ref: ModuleType, n: int, budget: float = 0.3) -> float:
    """Seconds per matrix-free V-cycle at n: best of 5 rounds after a warm-up, each
    round enough cycles to last ~budget/5 s (timer granularity, small n)."""
    g = torch.Generator().manual_seed(n)
    b = torch.randn(n - 1, generator=g, dtype=torch.float64)
    x = torch.randn(n - 1, generator=g, dtype=torch.float64)
    once, _ = timed(lambda: matrix_free_v_cycle(ref, b, x))  # warm-up
    reps = max(1, int(budget / 5 / max(once, 1e-6)))
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(reps):
            matrix_free_v_cycle(ref, b, x)
        best = min(best, (time.perf_counter() - started) / reps)
    return best


def cycle_table(ref: ModuleType) -> str:
    level_cost = per_cycle(ref, OVERHEAD_N) / math.log2(OVERHEAD_N)
    rows = [
        "  matrix-free V-cycle (nu1 = nu2 = 2, down to 1 unknown), n = 2^12..2^20:",
        f"  {'n':>11} {'ms/cycle':>9} {'ns/unknown':>11} {'overhead':>9} "
        f"{'residual factor/cycle':>22}   solve to {TOL:g}: cycles, residual reached",
    ]
    times, work = [], []
    for n in CYCLE_SIZES:
        t = per_cycle(ref, n)
        levels = math.log2(n)
        factors = residual_factors(lambda b, x: matrix_free_v_cycle(ref, b, x), n)
        times.append(t)
        work.append((n, t - levels * level_cost))
        _, cycles, reached = matrix_free_solve(ref, load, n, count=True)
        rows.append(
            f"  2^{int(levels):<2} {n:>7} {t * 1e3:>9.3f} {t / n * 1e9:>11.1f} "
            f"{levels * level_cost / t:>8.0%} {', '.join(f'{r:.3f}' for r in factors):>22}"
            f"   {cycles:>2} {reached:.1e}"
            + (" (under rounding: never met)" if reached > TOL else "")
        )
    # the work left once the overhead is taken off, fitted where the work is most of it
    work = [(n, w) for (n, w), t in zip(work, times) if w > t / 2]
    rows.append(
        f"  growth of a cycle over n = 2^12..2^20: n^{growth(CYCLE_SIZES, times):.2f} "
        f"(goal <= 1.1); less the fixed {level_cost * 1e6:.0f} us per level (the "
        f"'overhead' column, measured at n = {OVERHEAD_N}), over n = 2^"
        f"{int(math.log2(work[0][0])) if len(work) > 1 else '-'}..2^20: n^"
        + (f"{growth(*zip(*work)):.2f}" if len(work) > 1 else "- (too noisy here)")
    )
    rows.append(
        "  the factor does not grow with n (grader's limit 0.2, tested to 2^12), so a solve "
        "to a fixed reduction costs a fixed number of cycles: O(n)"
    )
    return "\n".join(rows)


def run(verbose: bool = False) -> list[str]:
    """The report lines (make bench prints them); `verbose` also prints each as it comes."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    lines = []

    def say(text: str) -> None:
        if verbose:
            print(text, flush=True)
        lines.append(text)

    try:
        ref = reference()
        # The matrix-free cycle is the reference v_cycle, to rounding.
        worst = 0.0
        for n in (16, 256, 1024):
            g = torch.Generator().manual_seed(n)
            b = torch.randn(n - 1, generator=g, dtype=torch.float64)
            x = torch.randn(n - 1, generator=g, dtype=torch.float64)
            dense = ref.v_cycle(ref.stiffness_matrix(n), b, x)
            free = matrix_free_v_cycle(ref, b, x)
            worst = max(worst, float((dense - free).abs().max() / dense.abs().max()))
        say(f"hw6 multigrid, 1 thread, f = pi^2 sin(pi x) + 4x, tol = {TOL:g}")
        say(f"  matrix-free V-cycle agrees with the reference v_cycle to {worst:.1e} (n <= 2^10)")
        say(
            f"  {'n':>6} {'dense LU s':>11} {'ref solve s':>12} {'matrix-free s':>14} "
            f"{'LU/ref':>8} {'LU/free':>8} {'max|ref-LU|':>12}"
        )
        table = []
        for n in SIZES:
            t_lu, u_lu = timed(lambda: dense_solve(ref, load, n))
            t_free, u_free = timed(lambda: matrix_free_solve(ref, load, n))
            gap = float((u_free - u_lu).abs().max() / u_lu.abs().max())
            if n <= REF_UP_TO:
                t_ref, u_ref = timed(lambda: ref.solve(load, n, tol=TOL))
                gap = max(gap, float((u_ref - u_lu).abs().max() / u_lu.abs().max()))
                ref_text = f"{t_ref:>12.4f}"
                ratio_text = f"{t_lu / t_ref:>8.2f}"
            else:
                t_ref, ref_text, ratio_text = None, f"{'-':>12}", f"{'-':>8}"
            table.append((n, t_lu, t_ref, t_free))
            say(
                f"  {n:>6} {t_lu:>11.4f} {ref_text} {t_free:>14.4f} "
                f"{ratio_text} {t_lu / t_free:>8.1f} {gap:>12.1e}"
            )
        big = [row for row in table if row[0] >= FIT_FROM]
        sizes = [row[0] for row in big]
        ref_rows = [row for row in big if row[2] is not None]
        lu_exp = growth(sizes, [row[1] for row in big])
        free_exp = growth(sizes, [row[3] for row in big])
        ref_exp = growth([row[0] for row in ref_rows], [row[2] for row in ref_rows])
        say(
            f"  growth exponent over n = {sizes[0]}..{sizes[-1]}: dense LU n^{lu_exp:.2f}, "
            f"matrix-free multigrid n^{free_exp:.2f}; ref solve on dense A "
            f"(n = {ref_rows[0][0]}..{ref_rows[-1][0]}) n^{ref_exp:.2f}"
        )
        faster = [n for n, t_lu, _, t_free in table if t_free < t_lu]
        ref_faster = [n for n, t_lu, t_ref, _ in table if t_ref is not None and t_ref < t_lu]
        say(
            f"  matrix-free multigrid beats dense LU from n = {faster[0] if faster else 'never'} "
            f"({table[-1][1] / table[-1][3]:.0f}x at n = {table[-1][0]}); the ref solve on dense A "
            f"beats it from n = {ref_faster[0] if ref_faster else f'never up to {REF_UP_TO}'} "
            f"(each V-cycle recomputes R A P on dense matrices, O(n^2) per cycle)"
        )
        say(cycle_table(ref))
    finally:
        torch.set_num_threads(threads)
    return lines


if __name__ == "__main__":
    run(verbose=True)
