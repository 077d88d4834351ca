"""Homework 6: multigrid for -u'' = f, restriction as a strided convolution (notes 1.7).

The problem: -u'' = f on (0, 1), u(0) = u(1) = 0, with n equal cells of
width h = 1/n (n a power of 2), nodes x_i = i h, and the hat functions v_i
(1 at x_i, 0 at the other nodes) for i = 1, ..., n-1. Vectors of length n-1
hold the values at the interior nodes x_1, ..., x_{n-1}; all tensors are
float64. Fill in every place that raises NotImplementedError, then run
    python -m autograder check hw6_multigrid
"""
import torch
import torch.nn.functional as F

# The stencil of restriction: b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2.
KERNEL = (0.5, 1.0, 0.5)
OMEGA = 2.0 / 3.0  # damping of the Jacobi smoother


def stiffness_matrix(n):
    """The (n-1, n-1) float64 matrix A_ij = integral of v_i' v_j' over (0, 1):
    2/h on the diagonal, -1/h next to it, 0 elsewhere."""
    # BEGIN SOLUTION
    h = 1.0 / n
    A = torch.zeros(n - 1, n - 1, dtype=torch.float64)
    A.diagonal().fill_(2.0 / h)
    A.diagonal(1).fill_(-1.0 / h)
    A.diagonal(-1).fill_(-1.0 / h)
    return A
    # END SOLUTION


def load_vector(f, n):
    """The (n-1,) float64 vector b_i = integral of f(x) v_i(x) over (0, 1).

    `f` takes a float64 tensor of points and returns f at each point (same
    shape). Exact when f is a polynomial of degree <= 1; see the handout for
    the accuracy required for other f."""
    # BEGIN SOLUTION
    # Two-point Gauss rule on every cell [x_k, x_{k+1}]: exact for cubic
    # integrands, so for f * v_i whenever f is quadratic.
    h = 1.0 / n
    left = torch.arange(n, dtype=torch.float64) * h
    t = torch.tensor([0.5 - 0.5 / 3 ** 0.5, 0.5 + 0.5 / 3 ** 0.5], dtype=torch.float64)
    values = f(left[:, None] + h * t) * (h / 2)           # (n cells, 2 points) times weights
    rising = (values * t).sum(1)        # v_{k+1} = t on cell k
    falling = (values * (1 - t)).sum(1)  # v_k = 1 - t on cell k
    return rising[:-1] + falling[1:]
    # END SOLUTION


def restrict(r):
    """(..., n-1) -> (..., n/2-1): b'_i = b_{2i-1}/2 + b_{2i} + b_{2i+1}/2,
    computed with torch.nn.functional.conv1d and stride 2."""
    # BEGIN SOLUTION
    kernel = torch.tensor(KERNEL, dtype=r.dtype).view(1, 1, 3)
    out = F.conv1d(r.reshape(-1, 1, r.shape[-1]), kernel, stride=2)
    return out.reshape(*r.shape[:-1], out.shape[-1])
    # END SOLUTION


def prolong(e):
    """(..., n/2-1) -> (..., n-1): the piecewise linear interpolation of the
    coarse values, computed with torch.nn.functional.conv_transpose1d and
    stride 2. It is the transpose of restrict."""
    # BEGIN SOLUTION
    kernel = torch.tensor(KERNEL, dtype=e.dtype).view(1, 1, 3)
    out = F.conv_transpose1d(e.reshape(-1, 1, e.shape[-1]), kernel, stride=2)
    return out.reshape(*e.shape[:-1], out.shape[-1])
    # END SOLUTION


def galerkin_coarse(A):
    """R A P for an (n-1, n-1) matrix A, where R = restrict and P = prolong:
    the (n/2-1, n/2-1) coarse matrix."""
    # BEGIN SOLUTION
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
    return RAP
    # END SOLUTION


def v_cycle(A, b, x, nu1=2, nu2=2):
    """One V-cycle for A x = b from the guess x: nu1 damped Jacobi sweeps,
    restrict the residual, correct with a V-cycle for the Galerkin coarse
    matrix (solving exactly on the coarsest grid, a single unknown), prolong
    and add the correction, then nu2 Jacobi sweeps. Returns the new x."""
    # BEGIN SOLUTION
    if A.shape[-1] == 1:
        return b / A[0, 0]
    diagonal = A.diagonal()
    for _ in range(nu1):
        x = x + OMEGA * (b - A @ x) / diagonal
    coarse_error = v_cycle(galerkin_coarse(A), restrict(b - A @ x),
                           torch.zeros((A.shape[-1] - 1) // 2, dtype=b.dtype), nu1, nu2)
    x = x + prolong(coarse_error)
    for _ in range(nu2):
        x = x + OMEGA * (b - A @ x) / diagonal
    return x
    # END SOLUTION


def solve(f, n, tol=1e-10, max_cycles=50):
    """The values u_1, ..., u_{n-1} of the finite element solution of
    -u'' = f: V-cycles from x = 0 until ||b - A x|| <= tol * ||b||, at most
    max_cycles of them."""
    # BEGIN SOLUTION
    A, b = stiffness_matrix(n), load_vector(f, n)
    x = torch.zeros(n - 1, dtype=torch.float64)
    for _ in range(max_cycles):
        if torch.linalg.norm(b - A @ x) <= tol * torch.linalg.norm(b):
            break
        x = v_cycle(A, b, x)
    return x
    # END SOLUTION
