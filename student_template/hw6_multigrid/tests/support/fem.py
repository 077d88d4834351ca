"""What hw6's tests share: the stiffness matrix of n cells, built by the grader
(not with the student's stiffness_matrix)."""
import torch


def tridiagonal(n):
    """The stiffness matrix of n cells, built here (not with your stiffness_matrix)."""
    h = 1.0 / n
    A = torch.zeros(n - 1, n - 1, dtype=torch.float64)
    A.diagonal().fill_(2 / h)
    A.diagonal(1).fill_(-1 / h)
    A.diagonal(-1).fill_(-1 / h)
    return A
