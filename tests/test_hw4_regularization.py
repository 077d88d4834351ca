"""hw4_regularization graders are right: the solution earns everything, the
stub nothing, each known-wrong variant loses the points of the test aimed at
it, and alternative correct answers earn full marks."""
import pytest

from harness import SOLUTIONS, TEMPLATE, assert_full_marks, assert_zero, grade, grade_alternative, grade_mutant

HW, FILE = "hw4_regularization", "nets.py"

SIZE = "    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1\n"
NET_FC2 = ("        x = F.relu(self.fc2(x))\n        x = self.fc3(x)\n        return x\n"
           "        # END SOLUTION\n\n\nclass DropoutNet")
DROPOUT_FORWARD = ("        x = self.pool(F.relu(self.conv1(x)))\n        x = self.pool(F.relu(self.conv2(x)))\n"
                   "        x = x.view(-1, 16 * 5 * 5)\n"
                   "        x = self.dropout(F.relu(self.fc1(x)))\n        x = F.relu(self.fc2(x))\n"
                   "        x = self.fc3(x)\n        return x\n        # END SOLUTION\n\n\nclass BNNet")
BN_FC2 = "        x = self.bn(F.relu(self.fc2(x)))\n"
MAXCONV_VIEW = "        x = x.view(-1, 4 * 4 * 15)\n"
MASK = ("        keep = torch.rand_like(x) >= self.p\n"
        "        return x * keep / (1 - self.p)\n")
TRAIN_LOOP = ("    model.train()\n    total, batches = 0.0, 0\n    for inputs, labels in loader:\n"
              "        optimizer.zero_grad()\n")
EVAL_LOOP = ("    model.eval()\n    correct = total = 0\n    with torch.no_grad():\n"
             "        for inputs, labels in loader:\n"
             "            predicted = model(inputs).argmax(dim=1)\n"
             "            correct += (predicted == labels).sum().item()\n"
             "            total += labels.numel()\n    return correct / total\n")

MUTANTS = {
    "conv_output_size forgets the dilation": (
        [(SIZE, SIZE.replace("dilation * (kernel_size - 1)", "(kernel_size - 1)"))],
        ["q1_conv_output_size: stride_padding_dilation", "q1_conv_output_size: many_combinations"]),
    "conv_output_size pads one side only": (
        [(SIZE, SIZE.replace("2 * padding", "padding"))],
        ["q1_conv_output_size: stride_padding_dilation", "q1_conv_output_size: many_combinations"]),
    "conv_output_size returns a float (/ instead of //)": (
        [(SIZE, SIZE.replace("// stride", "/ stride"))],
        ["q1_conv_output_size: notes_examples"]),
    "Net forgets the ReLU after fc2": (
        [(NET_FC2, NET_FC2.replace("x = F.relu(self.fc2(x))", "x = self.fc2(x)"))],
        ["q2_net: forward_matches_notes"]),
    "Net has 100 units in its second linear layer": (
        [("        self.fc2 = nn.Linear(120, 84)\n        self.fc3 = nn.Linear(84, 10)\n"
          "        # END SOLUTION\n\n    def forward(self, x):\n        # BEGIN SOLUTION\n"
          "        x = self.pool(F.relu(self.conv1(x)))\n        x = self.pool(F.relu(self.conv2(x)))\n"
          "        x = x.view(-1, 16 * 5 * 5)\n        x = F.relu(self.fc1(x))\n",
          "        self.fc2 = nn.Linear(120, 100)\n        self.fc3 = nn.Linear(100, 10)\n"
          "        # END SOLUTION\n\n    def forward(self, x):\n        # BEGIN SOLUTION\n"
          "        x = self.pool(F.relu(self.conv1(x)))\n        x = self.pool(F.relu(self.conv2(x)))\n"
          "        x = x.view(-1, 16 * 5 * 5)\n        x = F.relu(self.fc1(x))\n")],
        ["q2_net: parameter_count", "q2_net: layer_shapes"]),
    "DropoutNet drops after the ReLU of fc2 instead of fc1": (
        [(DROPOUT_FORWARD, DROPOUT_FORWARD.replace(
            "x = self.dropout(F.relu(self.fc1(x)))\n        x = F.relu(self.fc2(x))",
            "x = F.relu(self.fc1(x))\n        x = self.dropout(F.relu(self.fc2(x)))"))],
        ["q3_dropout_net: dropout_after_fc1_relu"]),
    "DropoutNet with p = 0.5": (
        [("        self.dropout = nn.Dropout(p=0.3)\n        # END SOLUTION",
          "        self.dropout = nn.Dropout(p=0.5)\n        # END SOLUTION")],
        ["q3_dropout_net: dropout_after_fc1_relu"]),
    "DropoutNet uses F.dropout without training=self.training": (
        [(DROPOUT_FORWARD, DROPOUT_FORWARD.replace("self.dropout(F.relu(self.fc1(x)))",
                                                   "F.dropout(F.relu(self.fc1(x)), 0.3)"))],
        ["q3_dropout_net: no_dropout_in_eval"]),
    "DropoutNet defines dropout but never applies it": (
        [(DROPOUT_FORWARD, DROPOUT_FORWARD.replace("self.dropout(F.relu(self.fc1(x)))",
                                                   "F.relu(self.fc1(x))"))],
        ["q3_dropout_net: dropout_active_in_train", "q3_dropout_net: dropout_after_fc1_relu"]),
    "BNNet normalises fc2 before its ReLU": (
        [(BN_FC2, "        x = F.relu(self.bn(self.fc2(x)))\n")],
        ["q4_bn_net: batch_norm_placement", "q4_bn_net: eval_matches_notes"]),
    "BNNet normalises conv1 before the ReLU and pool": (
        [("        x = self.bn_image(self.pool(F.relu(self.conv1(x))))\n",
          "        x = self.pool(F.relu(self.bn_image(self.conv1(x))))\n")],
        ["q4_bn_net: batch_norm_placement", "q4_bn_net: eval_matches_notes"]),
    "BNNet keeps no running statistics": (
        [("        self.bn_image = nn.BatchNorm2d(6)\n        self.bn = nn.BatchNorm1d(84)\n",
          "        self.bn_image = nn.BatchNorm2d(6, track_running_stats=False)\n"
          "        self.bn = nn.BatchNorm1d(84, track_running_stats=False)\n")],
        ["q4_bn_net: running_statistics", "q4_bn_net: output_shape"]),
    "BNNet forgets BatchNorm1d": (
        [(BN_FC2, "        x = F.relu(self.fc2(x))\n"),
         ("        self.bn = nn.BatchNorm1d(84)\n", "")],
        ["q4_bn_net: parameter_count", "q4_bn_net: running_statistics",
         "q4_bn_net: batch_norm_placement"]),
    "MaxConvNet with a ReLU after every convolution": (
        [("            nn.Conv2d(1, 4, 2),\n", "            nn.Conv2d(1, 4, 2), nn.ReLU(),\n"),
         ("            nn.Conv2d(4, 8, 4),\n", "            nn.Conv2d(4, 8, 4), nn.ReLU(),\n")],
        ["q5_maxconv_net: no_relu"]),
    "MaxConvNet calls F.relu in forward": (
        [(MAXCONV_VIEW, "        x = F.relu(x).view(-1, 4 * 4 * 15)\n")],
        ["q5_maxconv_net: no_relu"]),
    "MaxConvNet with average pooling (a linear network)": (
        [("            nn.MaxPool2d(kernel_size=(4, 4)))\n",
          "            nn.AvgPool2d(kernel_size=(4, 4)))\n"),
         ("            nn.MaxPool2d(kernel_size=(2, 2), stride=(1, 1)),\n",
          "            nn.AvgPool2d(kernel_size=(2, 2), stride=(1, 1)),\n"),
         ("            nn.MaxPool2d(kernel_size=(4, 4), stride=(1, 1)),\n",
          "            nn.AvgPool2d(kernel_size=(4, 4), stride=(1, 1)),\n")],
        ["q5_maxconv_net: convolutions_and_max_pooling"]),
    "MaxConvNet flattens across the batch": (
        [(MAXCONV_VIEW, "        x = x.view(4 * 4 * 15, -1).t()\n")],
        ["q5_maxconv_net: learns", "q5_maxconv_net: learns_well"]),
    "MyDropout forgets to rescale": (
        [(MASK, "        keep = torch.rand_like(x) >= self.p\n        return x * keep\n")],
        ["q6_my_dropout: survivors_scaled", "q6_my_dropout: expectation_preserved",
         "q6_my_dropout: gradient_through_kept_units"]),
    "MyDropout keeps with probability p": (
        [(MASK, MASK.replace("torch.rand_like(x) >= self.p", "torch.rand_like(x) < self.p"))],
        ["q6_my_dropout: zero_fraction"]),
    "MyDropout is also active in eval mode": (
        [("        if not self.training or self.p == 0:\n", "        if self.p == 0:\n")],
        ["q6_my_dropout: identity_in_eval"]),
    "MyDropout modifies its input in place": (
        [(MASK, "        keep = torch.rand_like(x) >= self.p\n"
                "        return x.mul_(keep).div_(1 - self.p)\n")],
        ["q6_my_dropout: input_unchanged"]),
    "MyDropout shares one mask across the batch": (
        [(MASK, MASK.replace("torch.rand_like(x) >= self.p", "torch.rand_like(x[0]) >= self.p"))],
        ["q6_my_dropout: expectation_preserved"]),
    "MyDropout calls F.dropout": (
        [(MASK, "        return F.dropout(x, self.p, training=True)\n")],
        ["q6_my_dropout: written_by_hand"]),
    "train_epoch forgets model.train()": (
        [(TRAIN_LOOP, TRAIN_LOOP.replace("    model.train()\n", ""))],
        ["q7_train_evaluate: train_mode"]),
    "train_epoch forgets optimizer.zero_grad()": (
        [(TRAIN_LOOP, TRAIN_LOOP.replace("        optimizer.zero_grad()\n", ""))],
        ["q7_train_evaluate: sgd_updates"]),
    "train_epoch returns the sum of the batch losses": (
        [("    return total / batches\n", "    return total\n")],
        ["q7_train_evaluate: returns_mean_loss"]),
    "evaluate forgets model.eval()": (
        [(EVAL_LOOP, EVAL_LOOP.replace("    model.eval()\n", ""))],
        ["q7_train_evaluate: eval_mode"]),
    "evaluate forgets torch.no_grad()": (
        [(EVAL_LOOP, EVAL_LOOP.replace("    with torch.no_grad():\n", "    if True:\n"))],
        ["q7_train_evaluate: no_grad"]),
    "evaluate averages the per-batch accuracies": (
        [(EVAL_LOOP, "    model.eval()\n    accuracies = []\n    with torch.no_grad():\n"
                     "        for inputs, labels in loader:\n"
                     "            predicted = model(inputs).argmax(dim=1)\n"
                     "            accuracies.append((predicted == labels).float().mean().item())\n"
                     "    return sum(accuracies) / len(accuracies)\n")],
        ["q7_train_evaluate: accuracy"]),
}

ALTERNATIVES = {
    "Sequential blocks, F.dropout with self.training, bernoulli mask, inference_mode": [
        (SIZE, "    import math\n"
               "    return int(math.floor((n + 2 * padding - dilation * (kernel_size - 1) - 1)\n"
               "                          / stride)) + 1\n"),
        ("        self.conv1 = nn.Conv2d(3, 6, 5)\n        self.pool = nn.MaxPool2d(2, 2)\n"
         "        self.conv2 = nn.Conv2d(6, 16, 5)\n        self.fc1 = nn.Linear(16 * 5 * 5, 120)\n"
         "        self.fc2 = nn.Linear(120, 84)\n        self.fc3 = nn.Linear(84, 10)\n"
         "        # END SOLUTION\n\n    def forward(self, x):\n        # BEGIN SOLUTION\n"
         "        x = self.pool(F.relu(self.conv1(x)))\n        x = self.pool(F.relu(self.conv2(x)))\n"
         "        x = x.view(-1, 16 * 5 * 5)\n        x = F.relu(self.fc1(x))\n"
         "        x = F.relu(self.fc2(x))\n        x = self.fc3(x)\n        return x\n",
         "        self.features = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2),\n"
         "                                      nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2))\n"
         "        self.classifier = nn.Sequential(nn.Linear(400, 120), nn.ReLU(),\n"
         "                                        nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))\n"
         "        # END SOLUTION\n\n    def forward(self, x):\n        # BEGIN SOLUTION\n"
         "        return self.classifier(torch.flatten(self.features(x), 1))\n"),
        (DROPOUT_FORWARD, DROPOUT_FORWARD.replace("self.dropout(F.relu(self.fc1(x)))",
                                                  "F.dropout(F.relu(self.fc1(x)), 0.3, self.training)")),
        (MASK, "        keep = torch.bernoulli(torch.full_like(x, 1 - self.p))\n"
               "        return x * keep / (1 - self.p)\n"),
        (EVAL_LOOP, "    model.eval()\n    correct = total = 0\n    with torch.inference_mode():\n"
                    "        for inputs, labels in loader:\n"
                    "            correct += int((model(inputs).argmax(1) == labels).sum())\n"
                    "            total += len(labels)\n    return correct / total\n"),
    ],
    "subclasses, pool before ReLU, named MaxConvNet layers, sample-weighted loss": [
        ("class DropoutNet(nn.Module):\n    \"\"\"Net with nn.Dropout(p=0.3) applied right after "
         "the ReLU of fc1 (notes 1.5).\"\"\"\n\n    def __init__(self):\n        super().__init__()\n"
         "        # BEGIN SOLUTION\n        self.conv1 = nn.Conv2d(3, 6, 5)\n"
         "        self.pool = nn.MaxPool2d(2, 2)\n        self.conv2 = nn.Conv2d(6, 16, 5)\n"
         "        self.fc1 = nn.Linear(16 * 5 * 5, 120)\n        self.fc2 = nn.Linear(120, 84)\n"
         "        self.fc3 = nn.Linear(84, 10)\n        self.dropout = nn.Dropout(p=0.3)\n",
         "class DropoutNet(Net):\n    \"\"\"Net with nn.Dropout(p=0.3) applied right after "
         "the ReLU of fc1 (notes 1.5).\"\"\"\n\n    def __init__(self):\n        super().__init__()\n"
         "        # BEGIN SOLUTION\n        self.drop = nn.Dropout(0.3)\n"),
        (DROPOUT_FORWARD, "        x = F.relu(self.pool(self.conv1(x)))\n"
                          "        x = F.relu(self.pool(self.conv2(x)))\n"
                          "        x = torch.flatten(x, start_dim=1)\n"
                          "        x = self.drop(F.relu(self.fc1(x)))\n"
                          "        return self.fc3(F.relu(self.fc2(x)))\n"
                          "        # END SOLUTION\n\n\nclass BNNet"),
        ("        self.conv_step = nn.Sequential(\n            nn.Conv2d(1, 4, 2),\n"
         "            nn.MaxPool2d(kernel_size=(2, 2), stride=(1, 1)),\n"
         "            nn.Conv2d(4, 8, 4),\n            nn.MaxPool2d(kernel_size=(4, 4), stride=(1, 1)),\n"
         "            nn.Conv2d(8, 15, 4),\n            nn.MaxPool2d(kernel_size=(4, 4)))\n"
         "        self.dense_linear = nn.Linear(4 * 4 * 15, 10)\n",
         "        self.c1, self.c2, self.c3 = nn.Conv2d(1, 4, 2), nn.Conv2d(4, 8, 4), nn.Conv2d(8, 15, 4)\n"
         "        self.out = nn.Linear(240, 10)\n"),
        ("        x = self.conv_step(x)\n" + MAXCONV_VIEW + "        x = self.dense_linear(x)\n",
         "        x = F.max_pool2d(self.c1(x), 2, stride=1)\n"
         "        x = F.max_pool2d(self.c2(x), 4, stride=1)\n"
         "        x = F.max_pool2d(self.c3(x), 4)\n"
         "        x = self.out(x.flatten(1))\n"),
        (MASK, "        mask = (torch.rand(x.shape) > self.p).to(x.dtype) / (1 - self.p)\n"
               "        return mask * x\n"),
        (TRAIN_LOOP + "        loss = criterion(model(inputs), labels)\n        loss.backward()\n"
         "        optimizer.step()\n        total += loss.item()\n        batches += 1\n"
         "    return total / batches\n",
         "    model.train()\n    total, count = 0.0, 0\n    for inputs, labels in loader:\n"
         "        optimizer.zero_grad()\n        outputs = model(inputs)\n"
         "        loss = criterion(outputs, labels)\n        loss.backward()\n"
         "        optimizer.step()\n        total += loss.item() * len(labels)\n"
         "        count += len(labels)\n    return total / count\n"),
    ],
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
