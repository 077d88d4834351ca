"""hw6_multigrid graders are right: the solution earns everything, the stub
nothing, each known-wrong variant loses the points of the test aimed at it,
and alternative correct answers earn full marks."""
import pytest

from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_zero, grade, grade_alternative, grade_mutant

HW, FILE = "hw6_multigrid", "multigrid.py"

STIFFNESS = ("    A.diagonal().fill_(2.0 / h)\n    A.diagonal(1).fill_(-1.0 / h)\n"
             "    A.diagonal(-1).fill_(-1.0 / h)\n    return A\n")
LOAD = ("    values = f(left[:, None] + h * t) * (h / 2)           # (n cells, 2 points) times weights\n"
        "    rising = (values * t).sum(1)        # v_{k+1} = t on cell k\n"
        "    falling = (values * (1 - t)).sum(1)  # v_k = 1 - t on cell k\n"
        "    return rising[:-1] + falling[1:]\n")
RESTRICT = ("    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3)\n"
            "    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel, stride=2)\n"
            "    return out.reshape(*r.shape[:-1], out.shape[-1])\n")
PROLONG = ("    kernel = torch.tensor(KERNEL, dtype=e.dtype).view(1, 1, 3)\n"
           "    out = F.conv_transpose1d(e.reshape(-1, 1, e.shape[-1]), kernel, stride=2)\n"
           "    return out.reshape(*e.shape[:-1], out.shape[-1])\n")
GALERKIN = ("    m = (A.shape[-1] - 1) // 2\n"
            "    AP = A.new_empty(A.shape[0], m)\n"
            "    for i in range(0, A.shape[0], 256):\n"
            "        AP[i:i + 256] = restrict(A[i:i + 256])\n"
            "    RAP = A.new_empty(m, m)\n"
            "    for i in range(0, m, 256):\n"
            "        RAP[:, i:i + 256] = restrict(AP.mT[i:i + 256]).mT\n"
            "    return RAP\n")
BASE = "    if A.shape[-1] == 1:\n        return b / A[0, 0]\n"
CORRECTION = "    x = x + prolong(coarse_error)\n"
PRE_SMOOTH = ("    for _ in range(nu1):\n"
              "        x = x + OMEGA * (b - A @ x) / diagonal\n")
POST_SMOOTH = ("    for _ in range(nu2):\n"
               "        x = x + OMEGA * (b - A @ x) / diagonal\n")
SOLVE_LOOP = ("    for _ in range(max_cycles):\n"
              "        if torch.linalg.norm(b - A @ x) <= tol * torch.linalg.norm(b):\n"
              "            break\n"
              "        x = v_cycle(A, b, x)\n")

MUTANTS = {
    "stiffness without the 1/h": (
        [(STIFFNESS, STIFFNESS.replace(" / h", ""))],
        ["q1_stiffness: four_cells", "q1_stiffness: larger_n"]),
    "load vector forgets the factor h": (
        [(LOAD, LOAD.replace(" * (h / 2)", " / 2"))],
        ["q2_load_vector: constant_f"]),
    "load vector takes f at the right neighbour (one-sided, first order)": (
        [(LOAD, "    nodes = torch.arange(2, n + 1, dtype=torch.float64) * h\n"
                "    return h * f(nodes)\n")],
        ["q2_load_vector: linear_f", "q7_solve: second_order"]),
    "load vector averages f over three nodes (too inaccurate)": (
        [(LOAD, "    nodes = torch.arange(0, n + 1, dtype=torch.float64) * h\n"
                "    values = f(nodes)\n"
                "    return h * (values[:-2] + values[1:-1] + values[2:]) / 3\n")],
        ["q2_load_vector: smooth_f", "q2_load_vector: unseen_f"]),
    "restrict with stride 1, then every other entry": (
        [(RESTRICT, RESTRICT.replace("kernel, stride=2)", "kernel)[..., ::2]"))],
        ["q3_restrict: uses_conv1d_stride_2"]),
    "restrict by slicing, no convolution": (
        [(RESTRICT, "    return r[..., 0:-2:2] / 2 + r[..., 1::2] + r[..., 2::2] / 2\n")],
        ["q3_restrict: uses_conv1d_stride_2"]),
    "restrict with the finite-difference weights (1/4, 1/2, 1/4)": (
        [(RESTRICT, RESTRICT.replace(".view(1, 1, 3)\n", ".view(1, 1, 3) / 2\n"))],
        ["q3_restrict: formula", "q4_prolong: transpose_of_restrict"]),
    "restrict only handles one vector": (
        [(RESTRICT, "    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3)\n"
                    "    return F.conv1d(r.view(1, 1, -1), kernel, stride=2).view(-1)\n")],
        ["q3_restrict: batched"]),
    "prolong doubles (kernel 1, 2, 1)": (
        [(PROLONG, PROLONG.replace(".view(1, 1, 3)\n", ".view(1, 1, 3) * 2\n"))],
        ["q4_prolong: linear_interpolation", "q4_prolong: transpose_of_restrict"]),
    "prolong by slicing, no transposed convolution": (
        [(PROLONG, "    zero = torch.zeros(*e.shape[:-1], 1, dtype=e.dtype)\n"
                   "    padded = torch.cat([zero, e, zero], dim=-1)\n"
                   "    out = torch.zeros(*e.shape[:-1], 2 * e.shape[-1] + 1, dtype=e.dtype)\n"
                   "    out[..., 1::2] = e\n"
                   "    out[..., 0::2] = (padded[..., :-1] + padded[..., 1:]) / 2\n"
                   "    return out\n")],
        ["q4_prolong: uses_conv_transpose1d"]),
    "galerkin_coarse returns the coarse stiffness matrix whatever A is": (
        [(GALERKIN, "    return stiffness_matrix((A.shape[-1] + 1) // 2)\n")],
        ["q5_galerkin: any_matrix"]),
    "galerkin_coarse restricts the rows twice": (
        [(GALERKIN, "    return restrict(restrict(A))\n")],
        ["q5_galerkin: coarse_stiffness", "q6_v_cycle: converges"]),
    "galerkin_coarse halves R A P (finite-difference scaling)": (
        [(GALERKIN, GALERKIN.replace("    return RAP\n", "    return RAP / 2\n"))],
        ["q5_galerkin: coarse_stiffness", "q6_v_cycle: converges"]),
    "v_cycle without the coarse correction (smoothing only)": (
        [(CORRECTION, "")],
        ["q6_v_cycle: converges", "q6_v_cycle: rate_independent_of_h"]),
    "v_cycle subtracts the correction": (
        [(CORRECTION, "    x = x - prolong(coarse_error)\n")],
        ["q6_v_cycle: converges"]),
    "v_cycle smooths on the coarsest grid instead of solving": (
        [(BASE, "    if A.shape[-1] == 1:\n        return x + OMEGA * (b - A @ x) / A[0, 0]\n")],
        ["q6_v_cycle: coarsest_grids"]),
    "v_cycle ignores nu1 (always 2 sweeps before)": (
        [(PRE_SMOOTH, PRE_SMOOTH.replace("range(nu1)", "range(2)"))],
        ["q6_v_cycle: smoothing_sweeps"]),
    "v_cycle ignores nu2 (always 2 sweeps after)": (
        [(POST_SMOOTH, POST_SMOOTH.replace("range(nu2)", "range(2)"))],
        ["q6_v_cycle: smoothing_sweeps"]),
    "v_cycle never smooths after the correction": (
        [(POST_SMOOTH, "")],
        ["q6_v_cycle: smoothing_sweeps"]),
    "solve runs a fixed 4 V-cycles": (
        [(SOLVE_LOOP, "    for _ in range(4):\n        x = v_cycle(A, b, x)\n")],
        ["q7_solve: discrete_solution", "q7_solve: tol_and_max_cycles"]),
    "solve with torch.linalg.solve instead of V-cycles": (
        [(SOLVE_LOOP, "    x = torch.linalg.solve(A, b)\n")],
        ["q7_solve: tol_and_max_cycles"]),
    "solve ignores max_cycles": (
        [(SOLVE_LOOP, SOLVE_LOOP.replace("range(max_cycles)", "range(50)"))],
        ["q7_solve: tol_and_max_cycles"]),
}

ALTERNATIVES = {
    "node rule, torch.diag, nn.Conv1d modules, simple Galerkin, symmetric Gauss-Seidel": [
        (STIFFNESS, "    main = torch.full((n - 1,), 2.0 / h, dtype=torch.float64)\n"
                    "    side = torch.full((n - 2,), -1.0 / h, dtype=torch.float64)\n"
                    "    return torch.diag(main) + torch.diag(side, 1) + torch.diag(side, -1)\n"),
        (LOAD, "    return h * f(torch.arange(1, n, dtype=torch.float64) * h)\n"),
        (RESTRICT, "    conv = torch.nn.Conv1d(1, 1, 3, stride=2, bias=False).double()\n"
                   "    with torch.no_grad():\n"
                   "        conv.weight.copy_(torch.tensor([[[0.5, 1.0, 0.5]]]))\n"
                   "        out = conv(r.reshape(-1, 1, r.shape[-1]).double()).to(r.dtype)\n"
                   "    return out.reshape(*r.shape[:-1], out.shape[-1])\n"),
        (PROLONG, "    conv = torch.nn.ConvTranspose1d(1, 1, 3, stride=2, bias=False).double()\n"
                  "    with torch.no_grad():\n"
                  "        conv.weight.copy_(torch.tensor([[[0.5, 1.0, 0.5]]]))\n"
                  "        out = conv(e.reshape(-1, 1, e.shape[-1]).double()).to(e.dtype)\n"
                  "    return out.reshape(*e.shape[:-1], out.shape[-1])\n"),
        (GALERKIN, "    return restrict(restrict(A).T).T\n"),
        (PRE_SMOOTH, "    lower, upper = torch.tril(A), torch.triu(A)\n"
                     "    for _ in range(nu1):\n"
                     "        x = x + torch.linalg.solve_triangular(lower, (b - A @ x)[:, None],"
                     " upper=False)[:, 0]\n"),
        ("    for _ in range(nu2):\n        x = x + OMEGA * (b - A @ x) / diagonal\n",
         "    for _ in range(nu2):\n"
         "        x = x + torch.linalg.solve_triangular(upper, (b - A @ x)[:, None],"
         " upper=True)[:, 0]\n"),
    ],
    "midpoint rule, tuple stride, bigger coarsest grid, omega 0.6, while loop": [
        (LOAD, "    mids = (torch.arange(n, dtype=torch.float64) + 0.5) * h\n"
               "    values = f(mids) * h / 2\n"
               "    return values[:-1] + values[1:]\n"),
        ("    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel, stride=2)\n",
         "    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel, stride=(2,), padding=0)\n"),
        (BASE, "    if A.shape[-1] <= 3:\n        return torch.linalg.solve(A, b)\n"),
        ("OMEGA = 2.0 / 3.0", "OMEGA = 0.6"),
        (SOLVE_LOOP, "    cycles = 0\n"
                     "    while cycles < max_cycles and (torch.linalg.norm(b - A @ x)\n"
                     "                                   > tol * torch.linalg.norm(b)):\n"
                     "        x = v_cycle(A, b, x, nu1=2, nu2=2)\n"
                     "        cycles += 1\n"),
    ],
}


def test_solution_full_marks():
    assert_full_marks(grade(HW, SOLUTIONS / HW))


def test_stub_scores_zero():
    assert_zero(grade(HW, TEMPLATE / HW))


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_loses_points(name, tmp_path):
    grade_mutant(HW, FILE, *MUTANTS[name], tmp_path / "mutant")


@pytest.mark.parametrize("name", ALTERNATIVES)
def test_alternative_full_marks(name, tmp_path):
    grade_alternative(HW, FILE, ALTERNATIVES[name], tmp_path / "alt")
