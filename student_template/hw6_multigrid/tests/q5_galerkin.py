"""Q5: galerkin_coarse(A) = R A P; for the stiffness matrix of n cells it is the
stiffness matrix of n/2 cells."""
import torch
from autograder.checks import expect_close
from autograder.testing import config, probe, support, test_case
OK_FORMAT = False
name = 'q5_galerkin'
points = None
CFG = config()
fem = support('fem')

@probe
def coarse_of_stiffness(galerkin_coarse):
    return {str(n): galerkin_coarse(fem.tridiagonal(n)) for n in (4, 16, 1024)}

@test_case(points=2, hidden=False)
def test_coarse_stiffness(env):
    """R A P for the stiffness matrix of 16 cells is the stiffness matrix of 8 cells."""
    expect_close(coarse_of_stiffness(env)['16'], fem.tridiagonal(8), 'galerkin_coarse(A) for the stiffness matrix of n = 16', atol=1e-10, rtol=CFG['exact_rtol'], dtype=True)
