"""Reading a submitted checkpoint (a state_dict saved with torch.save) safely.

Probe side: these run in the worker, beside the student's code. The file is
always read with `torch.load(..., weights_only=True)`, which rebuilds only
tensors and plain containers and refuses anything that would run code when
unpickled (a whole pickled model, a custom class). Every problem comes back
as a sentence for the student, never as an exception from deep inside torch.
"""
from pathlib import Path

import torch

WRAPPER_PREFIXES = ("module.", "_orig_mod.")   # DataParallel / DDP, torch.compile


def read_state_dict(path: Path) -> tuple[dict | None, str]:
    """(state_dict, '') or (None, what is wrong with the file, in plain words)."""
    path = Path(path)
    name = path.name
    if not path.is_file():
        return None, (f"{name} was not found in your submission. Run train.py (it saves "
                      f"torch.save(model.state_dict(), '{name}')) and hand the file in.")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001  (refused code, truncated file, not torch's)
        text = str(exc)
        if "Weights only load failed" in text or "weights_only" in text:
            return None, (f"{name} holds pickled Python objects, not only tensors (for "
                          f"example a whole model saved with torch.save(model, ...)). The "
                          f"grader loads it with torch.load(..., weights_only=True), which "
                          f"refuses anything that could run code. Save the weights only: "
                          f"torch.save(model.state_dict(), '{name}').")
        return None, (f"{name} could not be read by torch.load ({type(exc).__name__}: "
                      f"{text[:200]}). Save it with torch.save(model.state_dict(), "
                      f"'{name}').")
    if not isinstance(data, dict):
        return None, (f"{name} holds a {type(data).__name__}, not a state_dict (a dict "
                      f"from parameter names to tensors). Save torch.save(model.state_dict(), "
                      f"'{name}').")
    others = sorted(str(k) for k, v in data.items() if not isinstance(v, torch.Tensor))
    if others:
        return None, (f"{name} holds a dict whose entries {others[:5]} are not tensors: it "
                      f"looks like a training checkpoint wrapped around the weights. Save "
                      f"the model's state_dict itself: torch.save(model.state_dict(), "
                      f"'{name}').")
    return {str(k): v for k, v in data.items()}, ""


def fit_problem(model: torch.nn.Module, state: dict) -> str:
    """'' if `state` loads strictly into `model`, else which keys or shapes differ."""
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    mismatched = [f"{k}: {tuple(state[k].shape)} in the file, {tuple(expected[k].shape)} "
                  f"in build_model()" for k in expected
                  if k in state and tuple(state[k].shape) != tuple(expected[k].shape)]
    if not (missing or unexpected or mismatched):
        try:
            model.load_state_dict(state, strict=True)
            return ""
        except Exception as exc:  # noqa: BLE001
            return f"model.load_state_dict(state, strict=True) failed: {exc}"
    lines = ["model.pt does not fit build_model(): it was saved from a different "
             "architecture (or build_model() changed since)."]
    if missing:
        lines.append(f"  missing in the file ({len(missing)}): {', '.join(missing[:5])}"
                     + (" ..." if len(missing) > 5 else ""))
    if unexpected:
        lines.append(f"  not in build_model() ({len(unexpected)}): {', '.join(unexpected[:5])}"
                     + (" ..." if len(unexpected) > 5 else ""))
    if mismatched:
        lines.append(f"  other shapes ({len(mismatched)}): " + "; ".join(mismatched[:3])
                     + (" ..." if len(mismatched) > 3 else ""))
    if any(k.startswith(WRAPPER_PREFIXES) for k in unexpected):
        lines.append("  The names start with 'module.' or '_orig_mod.': save the state_dict "
                     "of the model itself, not of its DataParallel / torch.compile wrapper.")
    return "\n".join(lines)


def load_model(build_model, path: Path) -> tuple[torch.nn.Module | None, str]:
    """build_model() with the weights of `path` loaded strictly, in eval mode."""
    state, problem = read_state_dict(path)
    if problem:
        return None, problem
    model = build_model()
    problem = fit_problem(model, state)
    if problem:
        return None, problem
    return model.eval(), ""


def predict(model: torch.nn.Module, images: torch.Tensor, batch_size: int = 250) -> torch.Tensor:
    """Predicted classes (int64) for uint8 images N x 3 x 32 x 32, fed to the model as
    float in [0, 1] a batch at a time, in eval mode without gradients."""
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            batch = images[start:start + batch_size].float().div_(255.0)
            out.append(model(batch).argmax(dim=1).to(torch.int64))
    return torch.cat(out) if out else torch.zeros(0, dtype=torch.int64)
