"""`autograder calibrate`: the verb runs and prints its table with a probability
column, and the estimate flags a threshold too close to the measured figures."""

from autograder.__main__ import main
from autograder.verbs.calibrate import HEADER, false_fail, judged_files, table


def test_calibrate_prints_a_table_with_probabilities(capsys):
    """Two seeds, one thread, hw2 (offline: the embedded digits, or MNIST where shared)."""
    main(["calibrate", "hw2_logistic", "--seeds", "2", "--threads", "1"])
    out = capsys.readouterr().out
    assert "P(fail)" in HEADER and HEADER in out, out
    rows = [line for line in out.splitlines() if line.startswith("reference")]
    assert len(rows) == 3, out  # the ladder: floor, halfway, threshold
    for row in rows:
        assert "q4_accuracy: accuracy_" in row and "test accuracy on" in row, row
        float(row.split()[-2])  # P(fail) under the normal fit (then empir, then 1e-3 bar)
    assert "every threshold" in out or "threshold(s) with P(fail)" in out, out


def test_judged_files_are_the_ones_comparing_thresholds():
    assert judged_files("hw2_logistic") == ["q4_accuracy"]
    assert judged_files("hw4_regularization") == ["q5_maxconv_net"]
    assert judged_files("project_cifar10") == ["q6_accuracy"]
    assert judged_files("hw1_autograd") == []


def test_normal_fit_and_flag():
    values = [0.90, 0.91, 0.92, 0.93, 0.94]
    normal, empirical = false_fail(values, 0.92)
    assert abs(normal - 0.5) < 1e-9 and empirical == 0.4
    assert false_fail(values, 0.80)[0] < 1e-9
    assert false_fail([0.9, 0.9], 0.95) == (1.0, 1.0)  # no spread: below or not
    lines, flagged = table(
        "reference", {("q: case", "test accuracy"): {"threshold": 0.90, "values": values}}
    )
    assert flagged == 1 and "FLAG" in lines[0]
    lines, flagged = table(
        "reference", {("q: case", "test accuracy"): {"threshold": 0.80, "values": values}}
    )
    assert flagged == 0 and "FLAG" not in lines[0]
