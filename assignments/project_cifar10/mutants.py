"""Known-wrong variants of project_cifar10's solution (models.py), each losing the points of
the cases it names, and other correct answers, each earning full marks. Each
replaces definitions of models.py by name (autograder/variants.py). Never shipped."""
FILE = "models.py"

MUTANTS = {
    'no batch norm (BatchNorm2d replaced by Identity)': {
        "replace": {
            'SmallVGG.__init__': """\
def __init__(self, num_classes=10, widths=(32, 64, 128, 256), hidden=256):
    super().__init__()
    layers, channels = [Normalize()], 3
    for width in widths:
        for _ in range(2):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                       nn.Identity(width), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2))
    self.features = nn.Sequential(*layers)
    side = 32 // 2 ** len(widths)
    self.classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(channels * side * side, hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, num_classes))
""",
            'BasicBlock.__init__': """\
def __init__(self, in_channels, out_channels, stride=1):
    super().__init__()
    self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride, 1, bias=False)
    self.bn1 = nn.Identity(out_channels)
    self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
    self.bn2 = nn.Identity(out_channels)
    self.shortcut = nn.Identity()
    if stride != 1 or in_channels != out_channels:
        self.shortcut = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
            nn.Identity(out_channels))
""",
            'SmallResNet.__init__': """\
def __init__(self, num_classes=10, widths=(16, 32, 64), blocks=(3, 3, 3)):
    super().__init__()
    self.stem = nn.Sequential(Normalize(), nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                              nn.Identity(widths[0]), nn.ReLU(inplace=True))
    stages, channels = [], widths[0]
    for i, (width, count) in enumerate(zip(widths, blocks)):
        for j in range(count):
            stages.append(BasicBlock(channels, width, stride=2 if i > 0 and j == 0 else 1))
            channels = width
    self.stages = nn.Sequential(*stages)
    self.fc = nn.Linear(channels, num_classes)
""",
        },
        "loses": ['q3_batchnorm: vgg_batch_statistics', 'q3_batchnorm: resnet_batch_statistics'],
    },
    'batch norm without running statistics': {
        "replace": {
            'SmallVGG.__init__': """\
def __init__(self, num_classes=10, widths=(32, 64, 128, 256), hidden=256):
    super().__init__()
    layers, channels = [Normalize()], 3
    for width in widths:
        for _ in range(2):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                       nn.BatchNorm2d(width, track_running_stats=False), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2))
    self.features = nn.Sequential(*layers)
    side = 32 // 2 ** len(widths)
    self.classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(channels * side * side, hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, num_classes))
""",
        },
        "loses": ['q3_batchnorm: vgg_running_statistics'],
    },
    'no shortcut: a plain stack of convolutions': {
        "replace": {
            'BasicBlock.forward': """\
def forward(self, x):
    out = F.relu(self.bn1(self.conv1(x)))
    out = self.bn2(self.conv2(out))
    return F.relu(out)
""",
        },
        "loses": ['q4_residual: shortcuts'],
    },
    'ResNet over budget (ImageNet widths)': {
        "replace": {
            'SmallResNet.__init__': """\
def __init__(self, num_classes=10, widths=(64, 128, 256), blocks=(3, 3, 3)):
    super().__init__()
    self.stem = nn.Sequential(Normalize(), nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                              nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
    stages, channels = [], widths[0]
    for i, (width, count) in enumerate(zip(widths, blocks)):
        for j in range(count):
            stages.append(BasicBlock(channels, width, stride=2 if i > 0 and j == 0 else 1))
            channels = width
    self.stages = nn.Sequential(*stages)
    self.fc = nn.Linear(channels, num_classes)
""",
        },
        "loses": ['q2_budgets: resnet_budget'],
    },
    "VGG over budget (VGG16's widths)": {
        "replace": {
            'SmallVGG.__init__': """\
def __init__(self, num_classes=10, widths=(64, 128, 256, 512), hidden=4096):
    super().__init__()
    layers, channels = [Normalize()], 3
    for width in widths:
        for _ in range(2):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                       nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2))
    self.features = nn.Sequential(*layers)
    side = 32 // 2 ** len(widths)
    self.classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(channels * side * side, hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, num_classes))
""",
        },
        "loses": ['q2_budgets: vgg_budget'],
    },
    'ImageNet head: 1000 outputs': {
        "replace": {
            'SmallResNet.__init__': """\
def __init__(self, num_classes=10, widths=(16, 32, 64), blocks=(3, 3, 3)):
    super().__init__()
    self.stem = nn.Sequential(Normalize(), nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                              nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
    stages, channels = [], widths[0]
    for i, (width, count) in enumerate(zip(widths, blocks)):
        for j in range(count):
            stages.append(BasicBlock(channels, width, stride=2 if i > 0 and j == 0 else 1))
            channels = width
    self.stages = nn.Sequential(*stages)
    self.fc = nn.Linear(channels, 1000)
""",
        },
        "loses": ['q1_shapes: resnet_output', 'q1_shapes: build_model_output'],
    },
    'num_classes ignored': {
        "replace": {
            'SmallVGG.__init__': """\
def __init__(self, num_classes=10, widths=(32, 64, 128, 256), hidden=256):
    super().__init__()
    layers, channels = [Normalize()], 3
    for width in widths:
        for _ in range(2):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                       nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2))
    self.features = nn.Sequential(*layers)
    side = 32 // 2 ** len(widths)
    self.classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(channels * side * side, hidden), nn.ReLU(inplace=True),
        nn.Linear(hidden, 10))
""",
        },
        "loses": ['q1_shapes: num_classes'],
    },
    'build_model() is not the model model.pt was trained as': {
        "replace": {
            'build_model': """\
def build_model():
    \"\"\"The model you hand in; model.pt must hold its state_dict.\"\"\"
    return SmallVGG()
""",
        },
        "loses": ['q5_checkpoint: checkpoint_fits_build_model', 'q6_accuracy: accuracy_step_1', 'q6_accuracy: accuracy_step_2', 'q6_accuracy: accuracy_step_3', 'q6_accuracy: accuracy_step_4', 'q6_accuracy: accuracy_full'],
    },
    'SmallVGG ignores hidden (a fixed 256-unit hidden layer)': {
        "replace": {
            'SmallVGG.__init__': """\
def __init__(self, num_classes=10, widths=(32, 64, 128, 256), hidden=256):
    super().__init__()
    layers, channels = [Normalize()], 3
    for width in widths:
        for _ in range(2):
            layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False),
                       nn.BatchNorm2d(width), nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.MaxPool2d(2))
    self.features = nn.Sequential(*layers)
    side = 32 // 2 ** len(widths)
    self.classifier = nn.Sequential(
        nn.Flatten(), nn.Linear(channels * side * side, 256), nn.ReLU(inplace=True),
        nn.Linear(256, num_classes))
""",
        },
        "loses": ['q7_arguments: vgg_arguments'],
    },
    'SmallResNet ignores blocks (always three blocks per stage)': {
        "replace": {
            'SmallResNet.__init__': """\
def __init__(self, num_classes=10, widths=(16, 32, 64), blocks=(3, 3, 3)):
    super().__init__()
    self.stem = nn.Sequential(Normalize(), nn.Conv2d(3, widths[0], 3, padding=1, bias=False),
                              nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True))
    stages, channels = [], widths[0]
    for i, width in enumerate(widths):
        for j in range(3):
            stages.append(BasicBlock(channels, width, stride=2 if i > 0 and j == 0 else 1))
            channels = width
    self.stages = nn.Sequential(*stages)
    self.fc = nn.Linear(channels, num_classes)
""",
        },
        "loses": ['q7_arguments: resnet_arguments'],
    },
    'BasicBlock never downsamples (stride ignored)': {
        "replace": {
            'BasicBlock.__init__': """\
def __init__(self, in_channels, out_channels, stride=1):
    super().__init__()
    self.conv1 = nn.Conv2d(in_channels, out_channels, 3, 1, 1, bias=False)
    self.bn1 = nn.BatchNorm2d(out_channels)
    self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
    self.bn2 = nn.BatchNorm2d(out_channels)
    self.shortcut = nn.Identity()
    if in_channels != out_channels:
        self.shortcut = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1, bias=False),
            nn.BatchNorm2d(out_channels))
""",
        },
        "loses": ['q7_arguments: basic_block_stride'],
    },
    'Normalize ignores std (divides by the CIFAR10 numbers)': {
        "replace": {
            'Normalize.__init__': """\
def __init__(self, mean=CIFAR10_MEAN, std=CIFAR10_STD):
    super().__init__()
    self.register_buffer("mean", torch.tensor(mean).view(1, 3, 1, 1), persistent=False)
    self.register_buffer("std", torch.tensor(CIFAR10_STD).view(1, 3, 1, 1), persistent=False)
""",
        },
        "loses": ['q7_arguments: normalize_arguments'],
    },
    'build_model() returns a flattened linear layer': {
        "replace": {
            'build_model': """\
def build_model():
    \"\"\"The model you hand in; model.pt must hold its state_dict.\"\"\"
    return nn.Sequential(nn.Flatten(), nn.Linear(3 * 32 * 32, 10))
""",
        },
        "loses": ['q1_shapes: build_model_is_one_of_the_two'],
    },
    'train.py trains when imported (main() called at module level)': {
        "file": "train.py",
        "replace": {"+": "main()\n"},
        "loses": ['q5_checkpoint: train_import_does_nothing'],
    },
}

ALTERNATIVES = {
}
