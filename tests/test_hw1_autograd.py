"""hw1_autograd graders are right: the solution earns everything, the stub
nothing, each known-wrong variant loses the points of the test aimed at it,
and alternative correct answers earn full marks."""
import pytest

from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_zero, grade, grade_alternative, grade_mutant

HW, FILE = "hw1_autograd", "myrelu.py"

MUTANTS = {
    "backward forgets the mask": (
        [("        grad_input[input < 0] = 0\n", "")],
        ["q2_backward: gradient", "q2_backward: gradcheck"]),
    "masks on the output instead of the input": (
        [("        ctx.save_for_backward(input)\n        return input.clamp(min=0)",
          "        out = input.clamp(min=0)\n        ctx.save_for_backward(out)\n        return out")],
        ["q2_backward: gradient"]),
    "mutates grad_output in place": (
        [("        grad_input = grad_output.clone()\n", "        grad_input = grad_output\n")],
        ["q2_backward: grad_output_unchanged"]),
    "stale ctx attribute instead of save_for_backward": (
        [("        ctx.save_for_backward(input)\n", "        ctx.input = input\n"),
         ("        input, = ctx.saved_tensors\n", "        input = ctx.input\n")],
        ["q2_backward: save_for_backward"]),
    "forward modifies its input in place": (
        [("        return input.clamp(min=0)", "        return input.clamp_(min=0)")],
        ["q1_forward: input_unchanged"]),
    "forward always returns float32": (
        [("        return input.clamp(min=0)", "        return input.float().clamp(min=0)")],
        ["q1_forward: shapes_and_dtypes"]),
    "my_relu calls torch.relu instead of MyReLU": (
        [("    return MyReLU.apply(x)", "    return torch.relu(x)")],
        ["q1_forward: uses_my_relu"]),
    "grad_dot_squared forgets the factor 2": (
        [("    out = torch.dot(x, y) ** 2\n    grad, = torch.autograd.grad(out, x)\n    return grad",
          "    out = torch.dot(x, y) ** 2\n    grad, = torch.autograd.grad(out, x)\n    return grad / 2")],
        ["q3_grad_dot_squared: notes_example", "q3_grad_dot_squared: random_vectors"]),
    "grad_dot_squared uses backward on the caller's x": (
        [("    x = x.detach().requires_grad_(True)\n    out = torch.dot(x, y) ** 2\n"
          "    grad, = torch.autograd.grad(out, x)\n    return grad",
          "    x.requires_grad_(True)\n    (torch.dot(x, y) ** 2).backward()\n    return x.grad")],
        ["q3_grad_dot_squared: uses_autograd_grad"]),
    "vjp leaves the gradient on x": (
        [("    x = x.detach().clone().requires_grad_(True)\n", "    x.requires_grad_(True)\n")],
        ["q4_vector_jacobian_product: no_gradient_left_on_x"]),
    "vjp returns J v instead of J^T v": (
        [("    f(x).backward(gradient=v)\n    return x.grad",
          "    J = torch.autograd.functional.jacobian(f, x)\n    return J @ v[: J.shape[1]]")],
        ["q4_vector_jacobian_product: linear_map", "q4_vector_jacobian_product: nonlinear_map"]),
    "backward ignores grad_output (as if it were all ones)": (
        [("        grad_input = grad_output.clone()\n", "        grad_input = torch.ones_like(input)\n")],
        ["q2_backward: gradient", "q2_backward: gradient_4d_float64"]),
    "vjp with torch.autograd.grad instead of backward": (
        [("    f(x).backward(gradient=v)\n    return x.grad",
          "    grad, = torch.autograd.grad(f(x), x, grad_outputs=v)\n    return grad")],
        ["q4_vector_jacobian_product: uses_backward"]),
    "vjp takes the Jacobian at a fixed point, not at x": (
        [("    x = x.detach().clone().requires_grad_(True)\n",
          "    x = torch.ones_like(x).requires_grad_(True)\n")],
        ["q4_vector_jacobian_product: nonlinear_map"]),
}

ALTERNATIVES = {
    "saves the output and masks where it is positive": [
        ("        ctx.save_for_backward(input)\n        return input.clamp(min=0)",
         "        output = torch.where(input > 0, input, torch.zeros_like(input))\n"
         "        ctx.save_for_backward(output)\n        return output"),
        ("        input, = ctx.saved_tensors\n        grad_input = grad_output.clone()\n"
         "        grad_input[input < 0] = 0\n        return grad_input",
         "        output, = ctx.saved_tensors\n        return grad_output * (output > 0)")],
    "subgradient 1 at zero, autograd.grad with create_graph, vjp via retain and zero": [
        ("        grad_input[input < 0] = 0", "        grad_input = grad_input * (input >= 0)"),
        ("    grad, = torch.autograd.grad(out, x)", "    grad, = torch.autograd.grad(out, x, create_graph=True)\n    grad = grad.detach()"),
        ("    x = x.detach().clone().requires_grad_(True)\n    f(x).backward(gradient=v)\n    return x.grad",
         "    had_grad = x.requires_grad\n    x.requires_grad_(True)\n    f(x).backward(gradient=v)\n"
         "    result = x.grad.clone()\n    x.grad = None\n    x.requires_grad_(had_grad)\n    return result")],
}


def test_solution_full_marks():
    assert_full_marks(grade(HW, SOLUTIONS / HW))


def test_stub_scores_zero():
    assert_zero(grade(HW, TEMPLATE / HW))


@pytest.mark.parametrize("name", MUTANTS)
def test_mutant_loses_points(name, tmp_path):
    grade_mutant(HW, FILE, *MUTANTS[name], tmp_path / "mutant")


@pytest.mark.parametrize("name", ALTERNATIVES)
def test_alternative_full_marks(name, tmp_path):
    grade_alternative(HW, FILE, ALTERNATIVES[name], tmp_path / "alt")
