"""Known-wrong variants of hw6_multigrid's solution (multigrid.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of multigrid.py by name (autograder/variants.py). Never shipped."""
FILE = "multigrid.py"

MUTANTS = {
    'stiffness without the 1/h': {
        "replace": {
            'stiffness_matrix': """\
def stiffness_matrix(n):
    \"\"\"The (n-1, n-1) float64 matrix A_ij = integral of v_i' v_j' over (0, 1):
    2/h on the diagonal, -1/h next to it, 0 elsewhere.\"\"\"
    h = 1.0 / n
    A = torch.zeros(n - 1, n - 1, dtype=torch.float64)
    A.diagonal().fill_(2.0)
    A.diagonal(1).fill_(-1.0)
    A.diagonal(-1).fill_(-1.0)
    return A
""",
        },
        "loses": ['q1_stiffness: four_cells', 'q1_stiffness: larger_n'],
    },
    'load vector forgets the factor h': {
        "replace": {
            'load_vector': """\
def load_vector(f, n):
    \"\"\"The (n-1,) float64 vector b_i = integral of f(x) v_i(x) over (0, 1).

    `f` takes a float64 tensor of points and returns f at each point (same
    shape). Exact when f is a polynomial of degree <= 1; see the handout for
    the accuracy required for other f.\"\"\"
    # Two-point Gauss rule on every cell [x_k, x_{k+1}]: exact for cubic
    # integrands, so for f * v_i whenever f is quadratic.
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    t = torch.tensor([0.5 - 0.5 / 3 ** 0.5, 0.5 + 0.5 / 3 ** 0.5], dtype=torch.float64)
    values = f(left[:, None] + h * t) / 2           # (n cells, 2 points) times weights
    rising = (values * t).sum(1)        # v_{k+1} = t on cell k
    falling = (values * (1 - t)).sum(1)  # v_k = 1 - t on cell k
    return rising[:-1] + falling[1:]
""",
        },
        "loses": ['q2_load_vector: constant_f'],
    },
    'load vector takes f at the right neighbour (one-sided, first order)': {
        "replace": {
            'load_vector': """\
def load_vector(f, n):
    \"\"\"The (n-1,) float64 vector b_i = integral of f(x) v_i(x) over (0, 1).

    `f` takes a float64 tensor of points and returns f at each point (same
    shape). Exact when f is a polynomial of degree <= 1; see the handout for
    the accuracy required for other f.\"\"\"
    # Two-point Gauss rule on every cell [x_k, x_{k+1}]: exact for cubic
    # integrands, so for f * v_i whenever f is quadratic.
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    t = torch.tensor([0.5 - 0.5 / 3 ** 0.5, 0.5 + 0.5 / 3 ** 0.5], dtype=torch.float64)
    nodes = torch.arange(2, n + 1, dtype=torch.float64) * h
    return h * f(nodes)
""",
        },
        "loses": ['q2_load_vector: linear_f', 'q7_solve: second_order'],
    },
    'load vector averages f over three nodes (too inaccurate)': {
        "replace": {
            'load_vector': """\
def load_vector(f, n):
    \"\"\"The (n-1,) float64 vector b_i = integral of f(x) v_i(x) over (0, 1).

    `f` takes a float64 tensor of points and returns f at each point (same
    shape). Exact when f is a polynomial of degree <= 1; see the handout for
    the accuracy required for other f.\"\"\"
    # Two-point Gauss rule on every cell [x_k, x_{k+1}]: exact for cubic
    # integrands, so for f * v_i whenever f is quadratic.
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    t = torch.tensor([0.5 - 0.5 / 3 ** 0.5, 0.5 + 0.5 / 3 ** 0.5], dtype=torch.float64)
    nodes = torch.arange(0, n + 1, dtype=torch.float64) * h
    values = f(nodes)
    return h * (values[:-2] + values[1:-1] + values[2:]) / 3
""",
        },
        "loses": ['q2_load_vector: smooth_f', 'q2_load_vector: unseen_f'],
    },
    'restrict with stride 1, then every other entry': {
        "replace": {
            'restrict': """\
def restrict(r):
    \"\"\"(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2.\"\"\"
    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3)
    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel)[..., ::2]
    return out.reshape(*r.shape[:-1], out.shape[-1])
""",
        },
        "loses": ['q3_restrict: uses_conv1d_stride_2'],
    },
    'restrict by slicing, no convolution': {
        "replace": {
            'restrict': """\
def restrict(r):
    \"\"\"(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2.\"\"\"
    return r[..., 0:-2:2] / 2 + r[..., 1::2] + r[..., 2::2] / 2
""",
        },
        "loses": ['q3_restrict: uses_conv1d_stride_2'],
    },
    'restrict with the finite-difference weights (1/4, 1/2, 1/4)': {
        "replace": {
            'restrict': """\
def restrict(r):
    \"\"\"(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2.\"\"\"
    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3) / 2
    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel, stride=2)
    return out.reshape(*r.shape[:-1], out.shape[-1])
""",
        },
        "loses": ['q3_restrict: formula', 'q4_prolong: transpose_of_restrict'],
    },
    'restrict only handles one vector': {
        "replace": {
            'restrict': """\
def restrict(r):
    \"\"\"(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2.\"\"\"
    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3)
    return F.conv1d(r.view(1, 1, -1), kernel, stride=2).view(-1)
""",
        },
        "loses": ['q3_restrict: batched'],
    },
    'prolong doubles (kernel 1, 2, 1)': {
        "replace": {
            'prolong': """\
def prolong(e):
    \"\"\"(..., n/2-1) -> (..., n-1): the piecewise linear interpolation of the
    coarse values, computed with torch.nn.functional.conv_transpose1d and
    stride 2. It is the transpose of restrict.\"\"\"
    kernel = torch.tensor(KERNEL, dtype=e.dtype).view(1, 1, 3) * 2
    out = F.conv_transpose1d(e.reshape(-1, 1, e.shape[-1]), kernel, stride=2)
    return out.reshape(*e.shape[:-1], out.shape[-1])
""",
        },
        "loses": ['q4_prolong: linear_interpolation', 'q4_prolong: transpose_of_restrict'],
    },
    'prolong by slicing, no transposed convolution': {
        "replace": {
            'prolong': """\
def prolong(e):
    \"\"\"(..., n/2-1) -> (..., n-1): the piecewise linear interpolation of the
    coarse values, computed with torch.nn.functional.conv_transpose1d and
    stride 2. It is the transpose of restrict.\"\"\"
    zero = torch.zeros(*e.shape[:-1], 1, dtype=e.dtype)
    padded = torch.cat([zero, e, zero], dim=-1)
    out = torch.zeros(*e.shape[:-1], 2 * e.shape[-1] + 1, dtype=e.dtype)
    out[..., 1::2] = e
    out[..., 0::2] = (padded[..., :-1] + padded[..., 1:]) / 2
    return out
""",
        },
        "loses": ['q4_prolong: uses_conv_transpose1d'],
    },
    'galerkin_coarse returns the coarse stiffness matrix whatever A is': {
        "replace": {
            'galerkin_coarse': """\
def galerkin_coarse(A):
    \"\"\"R A P for an (n-1, n-1) matrix A, where R = restrict and P = prolong:
    the (n/2-1, n/2-1) coarse matrix.\"\"\"
    # restrict acts on the last index, so restrict(A) = A R^T (= A P), and
    # restricting the columns of that gives R A P. Blocks of 256 rows, written
    # straight into the results, keep the work space small when A is large
    # (134 MB at n = 2^12): no list of blocks beside a concatenated copy.
    return stiffness_matrix((A.shape[-1] + 1) // 2)
""",
        },
        "loses": ['q5_galerkin: any_matrix'],
    },
    'galerkin_coarse restricts the rows twice': {
        "replace": {
            'galerkin_coarse': """\
def galerkin_coarse(A):
    \"\"\"R A P for an (n-1, n-1) matrix A, where R = restrict and P = prolong:
    the (n/2-1, n/2-1) coarse matrix.\"\"\"
    # restrict acts on the last index, so restrict(A) = A R^T (= A P), and
    # restricting the columns of that gives R A P. Blocks of 256 rows, written
    # straight into the results, keep the work space small when A is large
    # (134 MB at n = 2^12): no list of blocks beside a concatenated copy.
    return restrict(restrict(A))
""",
        },
        "loses": ['q5_galerkin: coarse_stiffness', 'q6_v_cycle: converges'],
    },
    'galerkin_coarse halves R A P (finite-difference scaling)': {
        "replace": {
            'galerkin_coarse': """\
def galerkin_coarse(A):
    \"\"\"R A P for an (n-1, n-1) matrix A, where R = restrict and P = prolong:
    the (n/2-1, n/2-1) coarse matrix.\"\"\"
    # restrict acts on the last index, so restrict(A) = A R^T (= A P), and
    # restricting the columns of that gives R A P. Blocks of 256 rows, written
    # straight into the results, keep the work space small when A is large
    # (134 MB at n = 2^12): no list of blocks beside a concatenated copy.
    m = (A.shape[-1] - 1) // 2
    AP = A.new_empty(A.shape[0], m)
    for i in range(0, A.shape[0], 256):
        AP[i:i + 256] = restrict(A[i:i + 256])
    RAP = A.new_empty(m, m)
    for i in range(0, m, 256):
        RAP[:, i:i + 256] = restrict(AP.mT[i:i + 256]).mT
    return RAP / 2
""",
        },
        "loses": ['q5_galerkin: coarse_stiffness', 'q6_v_cycle: converges'],
    },
    'v_cycle without the coarse correction (smoothing only)': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    for _ in range(nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: converges', 'q6_v_cycle: rate_independent_of_h'],
    },
    'v_cycle subtracts the correction': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x - prolong(coarse_error)
    for _ in range(nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: converges'],
    },
    'v_cycle smooths on the coarsest grid instead of solving': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return x + OMEGA * (b - A @ x) / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: coarsest_grids'],
    },
    'v_cycle ignores nu1 (always 2 sweeps before)': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(2):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: smoothing_sweeps'],
    },
    'v_cycle ignores nu2 (always 2 sweeps after)': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: smoothing_sweeps'],
    },
    'v_cycle never smooths after the correction': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    return x
""",
        },
        "loses": ['q6_v_cycle: smoothing_sweeps', 'q6_v_cycle: sweeps_on_their_sides'],
    },
    'v_cycle does all its smoothing before the correction (nu1 + nu2 sweeps, none after)': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1 + nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(0):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: sweeps_on_their_sides'],
    },
    'v_cycle does all its smoothing after the correction (nu1 + nu2 sweeps, none before)': {
        "replace": {
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(0):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(nu1 + nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
        },
        "loses": ['q6_v_cycle: sweeps_on_their_sides'],
    },
    'solve runs a fixed 4 V-cycles': {
        "replace": {
            'solve': """\
def solve(f, n, tol=1e-10, max_cycles=50):
    \"\"\"The values u_1, ..., u_{n-1} of the finite element solution of
    -u'' = f: V-cycles from x = 0 until ||b - A x|| <= tol * ||b||, at most
    max_cycles of them.\"\"\"
    A, b = stiffness_matrix(n), load_vector(f, n)
    x = torch.zeros(n - 1, dtype=torch.float64)
    for _ in range(4):
        x = v_cycle(A, b, x)
    return x
""",
        },
        "loses": ['q7_solve: discrete_solution', 'q7_solve: tol_and_max_cycles'],
    },
    'solve with torch.linalg.solve instead of V-cycles': {
        "replace": {
            'solve': """\
def solve(f, n, tol=1e-10, max_cycles=50):
    \"\"\"The values u_1, ..., u_{n-1} of the finite element solution of
    -u'' = f: V-cycles from x = 0 until ||b - A x|| <= tol * ||b||, at most
    max_cycles of them.\"\"\"
    A, b = stiffness_matrix(n), load_vector(f, n)
    x = torch.zeros(n - 1, dtype=torch.float64)
    x = torch.linalg.solve(A, b)
    return x
""",
        },
        "loses": ['q7_solve: tol_and_max_cycles'],
    },
    'solve ignores max_cycles': {
        "replace": {
            'solve': """\
def solve(f, n, tol=1e-10, max_cycles=50):
    \"\"\"The values u_1, ..., u_{n-1} of the finite element solution of
    -u'' = f: V-cycles from x = 0 until ||b - A x|| <= tol * ||b||, at most
    max_cycles of them.\"\"\"
    A, b = stiffness_matrix(n), load_vector(f, n)
    x = torch.zeros(n - 1, dtype=torch.float64)
    for _ in range(50):
        if torch.linalg.norm(b - A @ x) <= tol * torch.linalg.norm(b):
            break
        x = v_cycle(A, b, x)
    return x
""",
        },
        "loses": ['q7_solve: tol_and_max_cycles'],
    },
}

ALTERNATIVES = {
    'node rule, torch.diag, nn.Conv1d modules, simple Galerkin, symmetric Gauss-Seidel': {
        "replace": {
            'stiffness_matrix': """\
def stiffness_matrix(n):
    \"\"\"The (n-1, n-1) float64 matrix A_ij = integral of v_i' v_j' over (0, 1):
    2/h on the diagonal, -1/h next to it, 0 elsewhere.\"\"\"
    h = 1.0 / n
    A = torch.zeros(n - 1, n - 1, dtype=torch.float64)
    main = torch.full((n - 1,), 2.0 / h, dtype=torch.float64)
    side = torch.full((n - 2,), -1.0 / h, dtype=torch.float64)
    return torch.diag(main) + torch.diag(side, 1) + torch.diag(side, -1)
""",
            'load_vector': """\
def load_vector(f, n):
    \"\"\"The (n-1,) float64 vector b_i = integral of f(x) v_i(x) over (0, 1).

    `f` takes a float64 tensor of points and returns f at each point (same
    shape). Exact when f is a polynomial of degree <= 1; see the handout for
    the accuracy required for other f.\"\"\"
    # Two-point Gauss rule on every cell [x_k, x_{k+1}]: exact for cubic
    # integrands, so for f * v_i whenever f is quadratic.
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    t = torch.tensor([0.5 - 0.5 / 3 ** 0.5, 0.5 + 0.5 / 3 ** 0.5], dtype=torch.float64)
    return h * f(torch.arange(1, n, dtype=torch.float64) * h)
""",
            'restrict': """\
def restrict(r):
    \"\"\"(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2.\"\"\"
    conv = torch.nn.Conv1d(1, 1, 3, stride=2, bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[0.5, 1.0, 0.5]]]))
        out = conv(r.reshape(-1, 1, r.shape[-1]).double()).to(r.dtype)
    return out.reshape(*r.shape[:-1], out.shape[-1])
""",
            'prolong': """\
def prolong(e):
    \"\"\"(..., n/2-1) -> (..., n-1): the piecewise linear interpolation of the
    coarse values, computed with torch.nn.functional.conv_transpose1d and
    stride 2. It is the transpose of restrict.\"\"\"
    conv = torch.nn.ConvTranspose1d(1, 1, 3, stride=2, bias=False).double()
    with torch.no_grad():
        conv.weight.copy_(torch.tensor([[[0.5, 1.0, 0.5]]]))
        out = conv(e.reshape(-1, 1, e.shape[-1]).double()).to(e.dtype)
    return out.reshape(*e.shape[:-1], out.shape[-1])
""",
            'galerkin_coarse': """\
def galerkin_coarse(A):
    \"\"\"R A P for an (n-1, n-1) matrix A, where R = restrict and P = prolong:
    the (n/2-1, n/2-1) coarse matrix.\"\"\"
    # restrict acts on the last index, so restrict(A) = A R^T (= A P), and
    # restricting the columns of that gives R A P. Blocks of 256 rows, written
    # straight into the results, keep the work space small when A is large
    # (134 MB at n = 2^12): no list of blocks beside a concatenated copy.
    return restrict(restrict(A).T).T
""",
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    lower, upper = torch.tril(A), torch.triu(A)
    for _ in range(nu1):
        x = x + torch.linalg.solve_triangular(lower, (b - A @ x)[:, None], upper=False)[:, 0]
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(nu2):
        x = x + torch.linalg.solve_triangular(upper, (b - A @ x)[:, None], upper=True)[:, 0]
    return x
""",
        },
    },
    'midpoint rule, tuple stride, bigger coarsest grid, omega 0.6, while loop': {
        "replace": {
            'OMEGA': """\
OMEGA = 0.6  # damping of the Jacobi smoother
""",
            'load_vector': """\
def load_vector(f, n):
    \"\"\"The (n-1,) float64 vector b_i = integral of f(x) v_i(x) over (0, 1).

    `f` takes a float64 tensor of points and returns f at each point (same
    shape). Exact when f is a polynomial of degree <= 1; see the handout for
    the accuracy required for other f.\"\"\"
    # Two-point Gauss rule on every cell [x_k, x_{k+1}]: exact for cubic
    # integrands, so for f * v_i whenever f is quadratic.
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    t = torch.tensor([0.5 - 0.5 / 3 ** 0.5, 0.5 + 0.5 / 3 ** 0.5], dtype=torch.float64)
    mids = (torch.arange(n, dtype=torch.float64) + 0.5) * h
    values = f(mids) * h / 2
    return values[:-1] + values[1:]
""",
            'restrict': """\
def restrict(r):
    \"\"\"(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2.\"\"\"
    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3)
    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel, stride=(2,), padding=0)
    return out.reshape(*r.shape[:-1], out.shape[-1])
""",
            'v_cycle': """\
def v_cycle(A, b, x, nu1=2, nu2=2):
    \"\"\"One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x.\"\"\"
    if A.shape[-1] <= 3:
        return torch.linalg.solve(A, b)
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
""",
            'solve': """\
def solve(f, n, tol=1e-10, max_cycles=50):
    \"\"\"The values u_1, ..., u_{n-1} of the finite element solution of
    -u'' = f: V-cycles from x = 0 until ||b - A x|| <= tol * ||b||, at most
    max_cycles of them.\"\"\"
    A, b = stiffness_matrix(n), load_vector(f, n)
    x = torch.zeros(n - 1, dtype=torch.float64)
    cycles = 0
    while cycles < max_cycles and (torch.linalg.norm(b - A @ x)
                                   > tol * torch.linalg.norm(b)):
        x = v_cycle(A, b, x, nu1=2, nu2=2)
        cycles += 1
    return x
""",
        },
    },
}
