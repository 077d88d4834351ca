"""Known-wrong variants of hw1_autograd's solution (myrelu.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of myrelu.py by name (autograder/variants.py). Never shipped."""
FILE = "myrelu.py"

MUTANTS = {
    'my_relu applies an impostor Function named MyReLU': {
        # the probe sees a grad_fn named MyReLUBackward; only the source tells
        "replace": {
            'my_relu': """\
def my_relu(x):
    \"\"\"Apply MyReLU to a tensor of any shape.\"\"\"
    return Impostor.apply(x)
""",
            '+': """\
Impostor = type("MyReLU", (torch.autograd.Function,), {
    "forward": staticmethod(lambda ctx, x: torch.relu(x)),
    "backward": staticmethod(lambda ctx, g: g)})
""",
        },
        "loses": ['q1_forward: uses_my_relu'],
    },
    'grad_dot_squared backward on a detached copy': {
        # x.grad of the caller's x stays empty, as with torch.autograd.grad
        "replace": {
            'grad_dot_squared': """\
def grad_dot_squared(x, y):
    \"\"\"The gradient of (x . y)^2 with respect to x, computed with
    torch.autograd.grad (x, y: 1-D tensors of the same length).\"\"\"
    x = x.detach().requires_grad_(True)
    (torch.dot(x, y) ** 2).backward()
    return x.grad
""",
        },
        "loses": ['q3_grad_dot_squared: uses_autograd_grad'],
    },
    'backward forgets the mask': {
        "replace": {
            'MyReLU.backward': """\
@staticmethod
def backward(ctx, grad_output):
    \"\"\"Return the gradient with respect to `input`: grad_output where the
    input was positive, 0 where it was negative. Do not change
    grad_output in place.\"\"\"
    input, = ctx.saved_tensors
    grad_input = grad_output.clone()
    return grad_input
""",
        },
        "loses": ['q2_backward: gradient', 'q2_backward: gradcheck'],
    },
    'masks on the output instead of the input': {
        "replace": {
            'MyReLU.forward': """\
@staticmethod
def forward(ctx, input):
    \"\"\"Return max(input, 0) elementwise; save what backward needs with
    ctx.save_for_backward. Do not change `input` in place.\"\"\"
    out = input.clamp(min=0)
    ctx.save_for_backward(out)
    return out
""",
        },
        "loses": ['q2_backward: gradient'],
    },
    'mutates grad_output in place': {
        "replace": {
            'MyReLU.backward': """\
@staticmethod
def backward(ctx, grad_output):
    \"\"\"Return the gradient with respect to `input`: grad_output where the
    input was positive, 0 where it was negative. Do not change
    grad_output in place.\"\"\"
    input, = ctx.saved_tensors
    grad_input = grad_output
    grad_input[input < 0] = 0
    return grad_input
""",
        },
        "loses": ['q2_backward: grad_output_unchanged'],
    },
    'stale ctx attribute instead of save_for_backward': {
        "replace": {
            'MyReLU.forward': """\
@staticmethod
def forward(ctx, input):
    \"\"\"Return max(input, 0) elementwise; save what backward needs with
    ctx.save_for_backward. Do not change `input` in place.\"\"\"
    ctx.input = input
    return input.clamp(min=0)
""",
            'MyReLU.backward': """\
@staticmethod
def backward(ctx, grad_output):
    \"\"\"Return the gradient with respect to `input`: grad_output where the
    input was positive, 0 where it was negative. Do not change
    grad_output in place.\"\"\"
    input = ctx.input
    grad_input = grad_output.clone()
    grad_input[input < 0] = 0
    return grad_input
""",
        },
        "loses": ['q2_backward: save_for_backward'],
    },
    'forward modifies its input in place': {
        "replace": {
            'MyReLU.forward': """\
@staticmethod
def forward(ctx, input):
    \"\"\"Return max(input, 0) elementwise; save what backward needs with
    ctx.save_for_backward. Do not change `input` in place.\"\"\"
    ctx.save_for_backward(input)
    return input.clamp_(min=0)
""",
        },
        "loses": ['q1_forward: input_unchanged'],
    },
    'forward always returns float32': {
        "replace": {
            'MyReLU.forward': """\
@staticmethod
def forward(ctx, input):
    \"\"\"Return max(input, 0) elementwise; save what backward needs with
    ctx.save_for_backward. Do not change `input` in place.\"\"\"
    ctx.save_for_backward(input)
    return input.float().clamp(min=0)
""",
        },
        "loses": ['q1_forward: shapes_and_dtypes'],
    },
    'my_relu calls torch.relu instead of MyReLU': {
        "replace": {
            'my_relu': """\
def my_relu(x):
    \"\"\"Apply MyReLU to a tensor of any shape.\"\"\"
    return torch.relu(x)
""",
        },
        "loses": ['q1_forward: uses_my_relu'],
    },
    'grad_dot_squared forgets the factor 2': {
        "replace": {
            'grad_dot_squared': """\
def grad_dot_squared(x, y):
    \"\"\"The gradient of (x . y)^2 with respect to x, computed with
    torch.autograd.grad (x, y: 1-D tensors of the same length).\"\"\"
    x = x.detach().requires_grad_(True)
    out = torch.dot(x, y) ** 2
    grad, = torch.autograd.grad(out, x)
    return grad / 2
""",
        },
        "loses": ['q3_grad_dot_squared: notes_example', 'q3_grad_dot_squared: random_vectors'],
    },
    "grad_dot_squared uses backward on the caller's x": {
        "replace": {
            'grad_dot_squared': """\
def grad_dot_squared(x, y):
    \"\"\"The gradient of (x . y)^2 with respect to x, computed with
    torch.autograd.grad (x, y: 1-D tensors of the same length).\"\"\"
    x.requires_grad_(True)
    (torch.dot(x, y) ** 2).backward()
    return x.grad
""",
        },
        "loses": ['q3_grad_dot_squared: uses_autograd_grad'],
    },
    'vjp leaves the gradient on x': {
        "replace": {
            'vector_jacobian_product': """\
def vector_jacobian_product(f, x, v):
    \"\"\"J^T v, where J is the Jacobian of f at x, computed with
    f(x).backward(gradient=v). Leave no gradient behind on `x`.\"\"\"
    x.requires_grad_(True)
    f(x).backward(gradient=v)
    return x.grad
""",
        },
        "loses": ['q4_vector_jacobian_product: no_gradient_left_on_x'],
    },
    'vjp returns J v instead of J^T v': {
        "replace": {
            'vector_jacobian_product': """\
def vector_jacobian_product(f, x, v):
    \"\"\"J^T v, where J is the Jacobian of f at x, computed with
    f(x).backward(gradient=v). Leave no gradient behind on `x`.\"\"\"
    x = x.detach().clone().requires_grad_(True)
    J = torch.autograd.functional.jacobian(f, x)
    return J @ v[: J.shape[1]]
""",
        },
        "loses": ['q4_vector_jacobian_product: linear_map', 'q4_vector_jacobian_product: nonlinear_map'],
    },
    'backward ignores grad_output (as if it were all ones)': {
        "replace": {
            'MyReLU.backward': """\
@staticmethod
def backward(ctx, grad_output):
    \"\"\"Return the gradient with respect to `input`: grad_output where the
    input was positive, 0 where it was negative. Do not change
    grad_output in place.\"\"\"
    input, = ctx.saved_tensors
    grad_input = torch.ones_like(input)
    grad_input[input < 0] = 0
    return grad_input
""",
        },
        "loses": ['q2_backward: gradient', 'q2_backward: gradient_4d_float64'],
    },
    'vjp with torch.autograd.grad instead of backward': {
        "replace": {
            'vector_jacobian_product': """\
def vector_jacobian_product(f, x, v):
    \"\"\"J^T v, where J is the Jacobian of f at x, computed with
    f(x).backward(gradient=v). Leave no gradient behind on `x`.\"\"\"
    x = x.detach().clone().requires_grad_(True)
    grad, = torch.autograd.grad(f(x), x, grad_outputs=v)
    return grad
""",
        },
        "loses": ['q4_vector_jacobian_product: uses_backward'],
    },
    'vjp takes the Jacobian at a fixed point, not at x': {
        "replace": {
            'vector_jacobian_product': """\
def vector_jacobian_product(f, x, v):
    \"\"\"J^T v, where J is the Jacobian of f at x, computed with
    f(x).backward(gradient=v). Leave no gradient behind on `x`.\"\"\"
    x = torch.ones_like(x).requires_grad_(True)
    f(x).backward(gradient=v)
    return x.grad
""",
        },
        "loses": ['q4_vector_jacobian_product: nonlinear_map'],
    },
}

ALTERNATIVES = {
    'MyReLU and autograd.grad through a helper and aliases': {
        "replace": {
            'my_relu': """\
def my_relu(x):
    \"\"\"Apply MyReLU to a tensor of any shape.\"\"\"
    return _relu_of(x)
""",
            'grad_dot_squared': """\
def grad_dot_squared(x, y):
    \"\"\"The gradient of (x . y)^2 with respect to x, computed with
    torch.autograd.grad (x, y: 1-D tensors of the same length).\"\"\"
    x = x.detach().requires_grad_(True)
    gradient_of = autograd_grad
    return gradient_of(torch.dot(x, y) ** 2, [x])[0]
""",
            '+': """\
from torch.autograd import grad as autograd_grad

relu_function = MyReLU.apply


def _relu_of(x):
    return relu_function(x)
""",
        },
    },
    'saves the output and masks where it is positive': {
        "replace": {
            'MyReLU.forward': """\
@staticmethod
def forward(ctx, input):
    \"\"\"Return max(input, 0) elementwise; save what backward needs with
    ctx.save_for_backward. Do not change `input` in place.\"\"\"
    output = torch.where(input > 0, input, torch.zeros_like(input))
    ctx.save_for_backward(output)
    return output
""",
            'MyReLU.backward': """\
@staticmethod
def backward(ctx, grad_output):
    \"\"\"Return the gradient with respect to `input`: grad_output where the
    input was positive, 0 where it was negative. Do not change
    grad_output in place.\"\"\"
    output, = ctx.saved_tensors
    return grad_output * (output > 0)
""",
        },
    },
    'subgradient 1 at zero, autograd.grad with create_graph, vjp via retain and zero': {
        "replace": {
            'MyReLU.backward': """\
@staticmethod
def backward(ctx, grad_output):
    \"\"\"Return the gradient with respect to `input`: grad_output where the
    input was positive, 0 where it was negative. Do not change
    grad_output in place.\"\"\"
    input, = ctx.saved_tensors
    grad_input = grad_output.clone()
    grad_input = grad_input * (input >= 0)
    return grad_input
""",
            'grad_dot_squared': """\
def grad_dot_squared(x, y):
    \"\"\"The gradient of (x . y)^2 with respect to x, computed with
    torch.autograd.grad (x, y: 1-D tensors of the same length).\"\"\"
    x = x.detach().requires_grad_(True)
    out = torch.dot(x, y) ** 2
    grad, = torch.autograd.grad(out, x, create_graph=True)
    grad = grad.detach()
    return grad
""",
            'vector_jacobian_product': """\
def vector_jacobian_product(f, x, v):
    \"\"\"J^T v, where J is the Jacobian of f at x, computed with
    f(x).backward(gradient=v). Leave no gradient behind on `x`.\"\"\"
    had_grad = x.requires_grad
    x.requires_grad_(True)
    f(x).backward(gradient=v)
    result = x.grad.clone()
    x.grad = None
    x.requires_grad_(had_grad)
    return result
""",
        },
    },
}
