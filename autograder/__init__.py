"""Course autograder: grade PyTorch homework outside the student's process.

One module per verb the user types (check, grade, zip, student), over a small
core: `testing` (what test files import), `worker` (runs beside student code),
`engine` (runs tests, judges in the grading process), `results` (the one
writer of Gradescope results).
"""

__version__ = "0.3.0"
