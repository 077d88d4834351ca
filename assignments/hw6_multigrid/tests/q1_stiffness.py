"""Q1: stiffness_matrix(n) is the (n-1, n-1) matrix of integrals of v_i' v_j': 2/h, -1/h."""
import torch

from autograder.checks import expect_close
from autograder.testing import probe, test_case

OK_FORMAT = False
name = "q1_stiffness"
points = None

SIZES = [2, 4, 16, 64]


@probe
def matrices(stiffness_matrix):
    return {str(n): stiffness_matrix(n) for n in SIZES}


def expected(n):
    """A_ij = integral of v_i' v_j': each hat has slope +-1/h on its two cells."""
    h = 1.0 / n
    A = torch.zeros(n - 1, n - 1, dtype=torch.float64)
    for i in range(n - 1):
        A[i, i] = 2 / h
        if i + 1 < n - 1:
            A[i, i + 1] = A[i + 1, i] = -1 / h
    return A


@test_case(points=1, hidden=False)
def test_four_cells(env):
    """For n = 4 (h = 1/4) the matrix is [[8, -4, 0], [-4, 8, -4], [0, -4, 8]] in float64."""
    expect_close(matrices(env)["4"], expected(4), "stiffness_matrix(4)", atol=0, rtol=1e-12,
                 dtype=True)


@test_case(points=1, hidden=False)
def test_larger_n(env):
    """For n = 16 and 64 the matrix is (n-1, n-1), tridiagonal with 2/h and -1/h."""
    for n in (16, 64):
        expect_close(matrices(env)[str(n)], expected(n), f"stiffness_matrix({n})", atol=0,
                     rtol=1e-12, dtype=True)


@test_case(points=1, hidden=True)
def test_two_cells(env):
    """For n = 2 there is one interior node: the 1 x 1 matrix [[4]]."""
    expect_close(matrices(env)["2"], expected(2), "stiffness_matrix(2)", atol=0, rtol=1e-12,
                 dtype=True)
