"""Q5: model.pt is a state_dict that loads strictly into build_model(), safely;
train.py, which wrote it, does nothing when imported.

The file is read with torch.load(..., weights_only=True), which refuses
pickled code (a whole model saved with torch.save(model, ...)). Its tensors
come back to the grader, which checks their size and values itself.
"""

from autograder.checks import expect_finite, only_when_right
from autograder.testing import config, probe, support, test_case

OK_FORMAT = False
name = "q5_checkpoint"
points = None

CFG = config()

checkpoints = support("checkpoints")


@probe
def checkpoint(submission):
    path = submission / "model.pt"
    size = path.stat().st_size if path.is_file() else 0
    if size > CFG["checkpoint_max_mb"] * 2**20:
        return {"problem": "", "bytes": size, "state": None}   # too big to send back
    state, problem = checkpoints.read_state_dict(path)
    return {"problem": problem, "bytes": size, "state": state}


@probe
def checkpoint_fit(build_model, submission):
    state, problem = checkpoints.read_state_dict(submission / "model.pt")
    return {"problem": problem or checkpoints.fit_problem(build_model(), state)}


def expect_size(seen):
    cap = CFG["checkpoint_max_mb"]
    assert seen["bytes"] <= cap * 2**20, (
        f"model.pt is {seen['bytes'] / 2**20:.1f} MB; at most {cap:g} MB is allowed (stay "
        f"within the parameter budgets; save float32 weights, nothing else).")


def expect_state_dict(seen):
    expect_size(seen)
    assert not seen["problem"], seen["problem"]
    state = seen["state"]
    assert isinstance(state, dict) and state, "model.pt holds an empty state_dict."
    return state


@test_case(points=1, hidden=False)
def test_checkpoint_is_state_dict(env):
    """model.pt is a state_dict (names to tensors) that torch.load reads with weights_only=True."""
    seen = checkpoint(env)
    state = expect_state_dict(seen)
    size = sum(t.numel() * t.element_size() for t in state.values())
    expect_size({"bytes": size})          # the tensors, whatever the file said
    return f"model.pt: {len(state)} tensors, {seen['bytes'] / 2**20:.2f} MB."


@test_case(points=1, hidden=False)
def test_checkpoint_fits_build_model(env):
    """model.pt loads into build_model() with load_state_dict(strict=True)."""
    expect_fits(env)


def expect_fits(env):
    problem = checkpoint_fit(env)["problem"]
    assert not problem, problem


@test_case(points=1, hidden=False)
def test_checkpoint_finite(env):
    """Every floating-point tensor in model.pt is finite (no NaN or infinity)."""
    state = expect_state_dict(checkpoint(env))
    for key, tensor in state.items():
        expect_finite(tensor, f"model.pt['{key}']")


@probe
def train_import(submission):
    """Importing train.py as a module, watched (tests/support/script_import.py)."""
    return support("script_import").import_watched(submission / "train.py")


@test_case(points=1, hidden=True)
def test_train_import_does_nothing(env):
    """Importing train.py trains nothing, writes no file, downloads nothing and returns at once."""
    seen = train_import(env)
    guard = 'keep its work under `if __name__ == "__main__":`'
    assert seen["found"], "train.py was not found in your submission: hand in the one you used."
    did = seen["did"] + [f"created {name!r}" for name in seen["created"]]
    assert not did, (
        f"Importing train.py (the grader does) must do nothing, but it {'; '.join(did)}: "
        f"{guard}.")
    assert not seen["error"], f"Importing train.py failed: {seen['error']} ({guard}.)"
    limit = CFG["train_import_seconds"]
    assert seen["seconds"] <= limit, (
        f"Importing train.py took {seen['seconds']:.0f} s; it must return at once (at most "
        f"{limit:g} s): {guard}.")
    only_when_right(lambda: expect_fits(env), "model.pt (the weights train.py wrote)")
