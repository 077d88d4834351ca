"""autograder/checks/source.py: what a function calls, read from its source, judged by
meaning (aliases, names bound to a callee, helpers of the same file), not format."""

import textwrap

import pytest

from autograder.checks import source


def tree(text):
    return source.parse(textwrap.dedent(text))


@pytest.mark.parametrize(
    "text",
    [
        "import torch\ndef g(x, y):\n    return torch.autograd.grad(x, y)\n",
        "from torch.autograd import grad\ndef g(x, y):\n    return grad(x, y)\n",
        "from torch import autograd as ag\ndef g(x, y):\n    return ag.grad(x, y)[0]\n",
        "import torch as t\ndef g(x, y):\n    f = t.autograd.grad\n    return f(x, y)\n",
        "import torch\nG = torch.autograd.grad\ndef helper(x, y):\n    return G(x, y)\n"
        "def g(x, y):\n    return helper(x, y)\n",
    ],
)
def test_calls_are_found_through_aliases_and_helpers(text):
    assert source.calls(tree(text), "g", "torch.autograd.grad")


@pytest.mark.parametrize(
    "text",
    [
        "import torch\ndef g(x, y):\n    (x * y).sum().backward()\n    return x.grad\n",
        "import torch\ndef g(x, y):\n    return grad(x, y)\n",  # an unknown grad
        "import torch\ndef g(x, y):\n    torch = None\n    return torch.autograd.grad(x, y)\n",
        "import torch\ndef g(x, y):\n    def inner():\n        pass\n    return x\n"
        "def unused():\n    return torch.autograd.grad(1, 2)\n",  # not called by g
        "import torch\ndef g(x, y):\n    return 'torch.autograd.grad(x, y)'\n",
    ],
)
def test_other_code_does_not_count(text):
    assert not source.calls(tree(text), "g", "torch.autograd.grad")


def test_methods_classes_and_shadowing():
    code = tree("""
        import torch
        class MyReLU(torch.autograd.Function):
            pass
        def my_relu(x):
            return MyReLU.apply(x)
        def impostor(x):
            class MyReLU(torch.autograd.Function):
                pass
            return MyReLU.apply(x)
        def vjp(f, x, v):
            f(x).backward(gradient=v)
            return x.grad
        """)
    assert source.calls(code, "my_relu", "MyReLU.apply")
    assert not source.calls(code, "impostor", "MyReLU.apply")
    assert source.calls_any(code, "vjp", {".backward"}) and not source.calls(
        code, "my_relu", ".backward"
    )
    assert source.is_class(code, "MyReLU")
    assert not source.is_class(tree("class MyReLU:\n    pass\nMyReLU = object\n"), "MyReLU")


def test_under_otter_the_file_that_defines_the_function_is_read(tmp_path):
    path = tmp_path / "myrelu.py"
    path.write_text("def my_relu(x):\n    return x.relu()\n")
    namespace = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    with pytest.raises(AssertionError, match="does not call"):
        source.expect_calls(
            namespace, "my_relu", {"MyReLU.apply"}, "my_relu does not call MyReLU.apply"
        )
    source.expect_calls(namespace, "my_relu", {".relu"}, "unused")
    source.expect_calls({"my_relu": len}, "my_relu", {"MyReLU.apply"}, "no file: the probe decides")
