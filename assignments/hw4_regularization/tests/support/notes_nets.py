"""The notes' CIFAR10 network (1.2.1, with 1.5 dropout and 1.6 batch norm)
written as plain functions of its weights, for judges.

A probe returns a student's parameters (in any order, under any names); the
judge picks each layer's weight by its shape (every conv and linear shape of
this network is distinct) and recomputes what the network must output, so
the check is on behaviour, not on attribute names.
"""
import torch
import torch.nn.functional as F

LAYERS = {  # name: (weight shape, bias shape)
    "conv1": ((6, 3, 5, 5), (6,)),
    "conv2": ((16, 6, 5, 5), (16,)),
    "fc1": ((120, 400), (120,)),
    "fc2": ((84, 120), (84,)),
    "fc3": ((10, 84), (10,)),
}


def parameter_shapes() -> list[tuple[int, ...]]:
    return [shape for pair in LAYERS.values() for shape in pair]


def pick_by_shape(parameters: list, what: str) -> dict[str, torch.Tensor]:
    """{"conv1.weight": ..., "conv1.bias": ..., ...} from a list of the student's
    parameters (not counting batch norm), each shape used exactly once."""
    shapes = sorted(tuple(p.shape) for p in parameters)
    expected = sorted(parameter_shapes())
    assert shapes == expected, (
        f"{what} should have the layers of the notes' network: parameters of shapes "
        f"{expected}, but its parameters have shapes {shapes}.")
    by_shape = {tuple(p.shape): p.double() for p in parameters}
    return {f"{layer}.{kind}": by_shape[shape]
            for layer, pair in LAYERS.items() for kind, shape in zip(("weight", "bias"), pair)}


def batch_norm(x: torch.Tensor, state: dict | None, training: bool) -> torch.Tensor:
    """BatchNorm with the layer's affine parameters; batch statistics when
    training, the running ones otherwise."""
    if state is None:
        return x
    weight, bias = state.get("weight"), state.get("bias")
    if training:
        return F.batch_norm(x, None, None, weight, bias, training=True, eps=state["eps"])
    return F.batch_norm(x, state["running_mean"].double(), state["running_var"].double(),
                        weight, bias, training=False, eps=state["eps"])


def forward(w: dict, x: torch.Tensor, bn_image: dict | None = None, bn: dict | None = None,
            dropout_mask: torch.Tensor | None = None, training: bool = False) -> torch.Tensor:
    """The notes' forward pass in float64. `bn_image` / `bn` hold the state of
    BatchNorm2d(6) after the first conv block and BatchNorm1d(84) after the ReLU
    of fc2 (BNNet); `dropout_mask` multiplies the ReLU of fc1 (DropoutNet in
    training mode, already scaled by 1/(1-p))."""
    x = x.double()
    if bn_image is not None:
        bn_image = {k: (v.double() if torch.is_tensor(v) else v) for k, v in bn_image.items()}
    if bn is not None:
        bn = {k: (v.double() if torch.is_tensor(v) else v) for k, v in bn.items()}
    x = F.max_pool2d(F.relu(F.conv2d(x, w["conv1.weight"], w["conv1.bias"])), 2)
    x = batch_norm(x, bn_image, training)
    x = F.max_pool2d(F.relu(F.conv2d(x, w["conv2.weight"], w["conv2.bias"])), 2)
    x = x.reshape(-1, 16 * 5 * 5)
    x = F.relu(F.linear(x, w["fc1.weight"], w["fc1.bias"]))
    if dropout_mask is not None:
        x = x * dropout_mask.double()
    x = F.relu(F.linear(x, w["fc2.weight"], w["fc2.bias"]))
    x = batch_norm(x, bn, training)
    return F.linear(x, w["fc3.weight"], w["fc3.bias"])
