"""Plain data: what may cross from the student's process to the grader.

Probes return nested dicts/lists/tuples of numbers, strings, None and
tensors. Everything is serialised with torch.save and read back with
`torch.load(weights_only=True)`, which refuses any class it does not know, so
a Tensor subclass, a callable or a forged object cannot come back as code.

Student code can also write its own bytes into the channel, so a reply is
untrusted in size too: `loads` checks it against the budget below before any
judge sees it (a tensor counted from its shape, a value shared N times counted
N times, as a judge or a message would expand it).
"""

import io
import math
import reprlib
import struct
import unicodedata
import zipfile

import numpy as np
import torch

# -- limits on what student code can hand the grader (all in one place) ------------------
MAX_REPLY_PICKLE_BYTES = 8 * 2**20  # a reply's pickle (its tensors' bytes aside)
MAX_REPLY_TENSOR_BYTES = 256 * 2**20  # all tensors of one reply, counted from their shapes
MAX_REPLY_NODES = 1_000_000  # values in one reply (shared ones counted each time)
MAX_REPLY_DEPTH = 64  # nesting of lists, tuples and dicts
MAX_REPLY_TEXT = 16 * 2**20  # characters of all strings of one reply together
MAX_STRING = 100_000  # one string (longer ones are cut)
MAX_CASE_MESSAGE = 2000  # characters of one test's feedback in results
MAX_PROBLEM = 2000  # one submission-wide problem line
MAX_RESULTS_BYTES = 2**20  # a whole results.json
MAX_SUBMISSION_DEPTH = 32  # folder levels in a submission (batch)
MAX_SUBMISSION_FILES = 10_000  # files and folders in a submission folder (batch)
MAX_HASHED_BYTES = 256 * 2**20  # read to hash one submission; beyond: size and date
MAX_SUBMISSION_ZIP_BYTES = 256 * 2**20  # a submitted zip file itself
MAX_ZIP_MEMBERS = 2000  # files in a submitted zip
MAX_UNZIPPED_BYTES = 256 * 2**20  # what a submitted zip unpacks to (counted while writing)


class NotPlainData(TypeError):
    """A value that cannot be turned into plain data."""


class OverBudget(ValueError):
    """A reply larger than the grader accepts; the message is for the student."""

    def __init__(self, what: str):
        super().__init__(
            f"Your code returned too much data to the grader ({what}); return "
            f"only what the test asks for."
        )


def to_plain(value: object) -> object:
    """Convert a probe's return value into plain, code-free data."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return float(value)
    if isinstance(value, torch.Tensor):
        # as_subclass drops any student Tensor subclass; clone detaches storage.
        return torch.Tensor.as_subclass(value.detach().cpu(), torch.Tensor).clone()
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.array(value))
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, torch.Size):
        return tuple(int(n) for n in value)
    if isinstance(value, (torch.dtype, torch.device)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (
            type(value)(to_plain(v) for v in value)
            if type(value) in (list, tuple)
            else [to_plain(v) for v in value]
        )
    raise NotPlainData(f"a value of type {type(value).__name__} is not plain data")


def dumps(value: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


# A frame on the worker's reply channel: 8 bytes of payload length, then the payload.
FRAME_HEADER = struct.Struct("<Q")


def frame(message: object) -> bytes:
    """`message` as the worker sends it (see worker.py), header and payload."""
    payload = dumps(message)
    return FRAME_HEADER.pack(len(payload)) + payload


def frame_size(header: bytes) -> int:
    """The payload length a frame's header announces."""
    return FRAME_HEADER.unpack(header)[0]


def loads(payload: bytes) -> object:
    """Read data written by `dumps`; raises NotPlainData if it carries anything but
    data and OverBudget if it is larger than the budget above."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(payload))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise NotPlainData(f"not a torch.save archive ({exc})") from None
    for info in members:  # torch.save stores; a compressed member could be a zip bomb
        if info.compress_type != zipfile.ZIP_STORED or info.file_size != info.compress_size:
            raise NotPlainData("a compressed member in the reply")
        if info.filename.endswith("data.pkl") and info.file_size > MAX_REPLY_PICKLE_BYTES:
            raise OverBudget(f"more than {MAX_REPLY_PICKLE_BYTES // 2**20} MB besides tensors")
    value = torch.load(io.BytesIO(payload), weights_only=True, map_location="cpu")
    return checked(value)


def checked(value: object) -> object:
    """`value` within the budget, rebuilt: tensors dense and only as large as their
    shape says, over-long strings cut. Raises OverBudget."""
    _over(*_measure(value, 0, {}))  # quick: a shared container is measured once
    budget = {"nodes": 0, "size": 0, "text": 0}
    return _checked(value, 0, budget)


def _over(nodes: int, size: int, text: int) -> None:
    if nodes > MAX_REPLY_NODES:
        raise OverBudget(f"more than {MAX_REPLY_NODES:,} values, counting each use of a shared one")
    if size > MAX_REPLY_TENSOR_BYTES:
        raise OverBudget(f"tensors of more than {MAX_REPLY_TENSOR_BYTES // 2**20} MB")
    if text > MAX_REPLY_TEXT:
        raise OverBudget(f"more than {MAX_REPLY_TEXT // 2**20} M characters of text")


def _measure(value: object, depth: int, memo: dict) -> tuple[int, int, int]:
    """(values, tensor bytes, characters) of `value` once expanded, in time linear in
    its distinct containers, so 2^60 values built from 60 shared lists cost 60 steps."""
    if depth > MAX_REPLY_DEPTH:
        raise OverBudget(f"lists or dicts nested more than {MAX_REPLY_DEPTH} deep")
    if isinstance(value, (str, bytes, bytearray)):
        return 1, 0, len(value)
    if isinstance(value, torch.Tensor):
        return 1, value.numel() * value.element_size(), 0
    if not isinstance(value, (dict, list, tuple, set)):
        return 1, 0, 0
    if id(value) not in memo:
        total = [1, 0, 0]
        for child in (x for kv in value.items() for x in kv) if isinstance(value, dict) else value:
            for i, amount in enumerate(_measure(child, depth + 1, memo)):
                total[i] += amount
            _over(*total)
        memo[id(value)] = tuple(total)
    return memo[id(value)]


def _checked(value: object, depth: int, budget: dict) -> object:
    """The rebuild, counting again as it goes (a shared value met deeper than where
    it was measured is caught here)."""
    budget["nodes"] += 1
    if depth > MAX_REPLY_DEPTH:
        raise OverBudget(f"lists or dicts nested more than {MAX_REPLY_DEPTH} deep")
    if isinstance(value, (str, bytes, bytearray)):
        budget["text"] += len(value)
        _over(**budget)
        if len(value) > MAX_STRING:
            cut = f"... ({len(value) - MAX_STRING} characters cut)"
            return value[:MAX_STRING] + (cut if isinstance(value, str) else cut.encode())
        return value
    if isinstance(value, torch.Tensor):
        if value.layout != torch.strided:
            raise NotPlainData(f"a {value.layout} tensor; return ordinary dense tensors")
        # Counted from the shape: a zero-stride or overlapping view of a small storage
        # is as large as that for every judge that touches it.
        budget["size"] += value.numel() * value.element_size()
        _over(**budget)
        return value if _dense(value) else value.contiguous()
    _over(**budget)
    if isinstance(value, dict):
        return type(value)(
            (_checked(k, depth + 1, budget), _checked(v, depth + 1, budget))
            for k, v in value.items()
        )
    if isinstance(value, (list, tuple, set)):
        items = [_checked(v, depth + 1, budget) for v in value]
        return items if type(value) is list else type(value)(items)
    return value  # None, numbers (weights_only: ints of 2040 bits at most), dtype, ...


def _dense(tensor: torch.Tensor) -> bool:
    """No two elements share memory and none is skipped (what clone() gives)."""
    expected = 1
    for stride, size in sorted(
        (st, sz) for st, sz in zip(tensor.stride(), tensor.shape) if sz != 1
    ):
        if stride != expected:
            return False
        expected *= size
    return True


def round_trip(value: object) -> object:
    """What the grading process would see: used on otter's in-process path."""
    return loads(dumps(to_plain(value)))


_SHORT = reprlib.Repr()  # bounded work and length, however large or shared the value
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxtuple, _SHORT.maxdict, _SHORT.maxset = 3, 6, 6, 6, 6
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlong = 60, 60, 40


def describe(value: object) -> str:
    """A short description of a value for feedback messages."""
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    try:
        text = _SHORT.repr(value)
    except Exception:  # noqa: BLE001  (a value whose repr fails is still described)
        text = f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


# -- text from student code, on its way to a person ---------------------------------------
_KEEP = {"\n", "\t"}


def clean_text(text: object, limit: int | None = None) -> str:
    """Printable, valid UTF-8, at most `limit` characters: control characters (terminal
    escapes, carriage returns, bidirectional overrides) dropped, lone surrogates and
    undecodable bytes shown as escapes."""
    if not isinstance(text, str):
        text = str(text)
    if limit is not None and len(text) > 4 * limit:
        text = text[: 4 * limit]  # work bounded by the limit, not by the input
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if not text.isprintable():
        text = "".join(
            c
            for c in text
            if c.isprintable() or c in _KEEP or (c.isspace() and unicodedata.category(c) == "Zs")
        )
    if limit is not None and len(text) > limit:
        text = text[: limit - 40] + f" ... (cut at {limit} characters)"
    return text


def hanging(text: str, indent: str) -> str:
    """Every line but the first indented: a student's multi-line message can then never
    start a line the way the grader's own lines do."""
    return text.replace("\n", "\n" + indent)


FENCE_TOP = "----- what your code printed (its last lines; not the grader's words) -----"
FENCE_END = "----- end of what your code printed -----"


def fenced(printed: str) -> str:
    """The student's own printing, marked off so no line of it can pass for the
    grader's (each line starts with '| ')."""
    text = clean_text(printed).strip("\n")
    if not text.strip():
        return ""
    return "\n".join([FENCE_TOP, *("| " + line for line in text.split("\n")), FENCE_END])
