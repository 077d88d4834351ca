"""No points for doing nothing: for each assignment, a submission whose every
function returns zeros of the right shape (or its input) scores 0.

The submission is the reference solution with each public function's body
replaced (through the AST) by one of the bodies below. Modules keep no layers
(`__init__` only calls `super().__init__()`), other classes keep their
`__init__`; trained weights (model.pt) are left out. Every public function of
the student files must be listed here, so a new one cannot slip past.
"""

import ast
import shutil

import pytest
from harness import SOLUTIONS, assert_zero, grade

MODULE_INIT = "super().__init__()"
KEEP = None  # keep the reference body (constructors that only store arguments)

# hw -> file -> qualified name -> (body returning zeros, body returning the input)
# (one string for both when the function has no input of the right kind)
NOTHING = {
    "hw1_autograd": {
        "myrelu.py": {
            "MyReLU.forward": ("return torch.zeros_like(input)", "return input"),
            "MyReLU.backward": ("return torch.zeros_like(grad_output)", "return grad_output"),
            "my_relu": ("return torch.zeros_like(x)", "return x"),
            "grad_dot_squared": ("return torch.zeros_like(x)", "return x"),
            "vector_jacobian_product": ("return torch.zeros_like(x)", "return x"),
        }
    },
    "hw2_logistic": {
        "logistic.py": {
            "LogisticRegression.__init__": MODULE_INIT,
            "LogisticRegression.forward": ("return torch.zeros(x.shape[0], 10)", "return x"),
            "train": "return [0.0] * epochs",
            "evaluate": "return 0.0",
        }
    },
    "hw3_sampler": {
        "sampler.py": {
            "WithReplacementSampler.__init__": KEEP,
            "WithReplacementSampler.__iter__": (
                "return iter([0] * self.num_samples)",
                "return iter(range(len(self.data_source)))",
            ),
            "WithReplacementSampler.__len__": ("return 0", "return len(self.data_source)"),
            "make_loader": "return DataLoader(dataset, batch_size=batch_size)",
            "epoch_coverage": "return 0.0",
        }
    },
    "hw4_regularization": {
        "nets.py": {
            "conv_output_size": ("return 0", "return n"),
            **{
                f"{net}.{method}": body
                for net in ("Net", "DropoutNet", "BNNet", "MaxConvNet")
                for method, body in (
                    ("__init__", MODULE_INIT),
                    ("forward", ("return torch.zeros(x.shape[0], 10)", "return x")),
                )
            },
            "MyDropout.__init__": MODULE_INIT,
            "MyDropout.forward": ("return torch.zeros_like(x)", "return x"),
            "train_epoch": "return 0.0",
            "evaluate": "return 0.0",
        }
    },
    "hw5_piecewise": {
        "piecewise.py": {
            "ReLUNet2D.__init__": MODULE_INIT,
            "ReLUNet2D.forward": ("return torch.zeros(x.shape[0], 1)", "return x"),
            "gradient_field": "return torch.zeros(size, size, 2)",
            "gradient_image": ("return torch.zeros(*field.shape[:2], 3)", "return field"),
            "count_linear_regions": "return 0",
            "plot_linear_regions": (
                "fig, ax = plt.subplots()\n"
                "ax.imshow(torch.zeros(size, size, 3).numpy())\n"
                "fig.savefig(path)\nreturn fig"
            ),
        }
    },
    "hw6_multigrid": {
        "multigrid.py": {
            "stiffness_matrix": "return torch.zeros(n - 1, n - 1, dtype=torch.float64)",
            "load_vector": "return torch.zeros(n - 1, dtype=torch.float64)",
            "restrict": (
                "return torch.zeros(*r.shape[:-1], (r.shape[-1] - 1) // 2, dtype=r.dtype)",
                "return r",
            ),
            "prolong": (
                "return torch.zeros(*e.shape[:-1], 2 * e.shape[-1] + 1, dtype=e.dtype)",
                "return e",
            ),
            "galerkin_coarse": (
                "m = (A.shape[-1] - 1) // 2\nreturn torch.zeros(m, m, dtype=A.dtype)",
                "return A",
            ),
            "v_cycle": ("return torch.zeros_like(b)", "return x"),
            "solve": "return torch.zeros(n - 1, dtype=torch.float64)",
        }
    },
    "project_cifar10": {
        "models.py": {
            "Normalize.__init__": MODULE_INIT,
            "Normalize.forward": "return x",
            "SmallVGG.__init__": MODULE_INIT,
            "SmallVGG.forward": ("return torch.zeros(x.shape[0], 10)", "return x"),
            "BasicBlock.__init__": MODULE_INIT,
            "BasicBlock.forward": ("return torch.zeros_like(x)", "return x"),
            "SmallResNet.__init__": MODULE_INIT,
            "SmallResNet.forward": ("return torch.zeros(x.shape[0], 10)", "return x"),
            "build_model": KEEP,  # returns SmallResNet(), which does nothing now
        }
    },
}


def public_functions(tree: ast.Module):
    """(qualified name, node) of top-level functions and the methods of top-level classes."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name, node
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    yield f"{node.name}.{item.name}", item


def do_nothing(source: str, bodies: dict, mode: int) -> str:
    tree = ast.parse(source)
    found = dict(public_functions(tree))
    assert set(found) == set(bodies), f"functions to replace: {sorted(set(found) ^ set(bodies))}"
    for name, node in found.items():
        body = bodies[name]
        if body is KEEP:
            continue
        if isinstance(body, tuple):
            body = body[mode]
        node.body = ast.parse(body).body
    return ast.unparse(tree)


def do_nothing_submission(hw: str, mode: int, dest):
    shutil.copytree(SOLUTIONS / hw, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pt"))
    for file, bodies in NOTHING[hw].items():
        path = dest / file
        path.write_text(do_nothing(path.read_text(), bodies, mode))
    return dest


@pytest.mark.parametrize("mode", [0, 1], ids=["zeros", "input"])
@pytest.mark.parametrize("hw", NOTHING)
def test_doing_nothing_scores_zero(hw, mode, tmp_path):
    assert_zero(grade(hw, do_nothing_submission(hw, mode, tmp_path / "nothing")))
