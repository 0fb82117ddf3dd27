"""ResNet-50 (He et al., 2016) with an attention module in every bottleneck, without torchvision.

    y = relu(x' + A(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))))

A is the attention module (SE, ECA, CBAM or none), placed after the last BatchNorm and
before the residual addition as in the SE, ECA and CBAM papers; x' is the identity or
the 1x1 projection shortcut. The stride of a downsampling block sits on the first 1x1
convolution (`stride_on="1x1"`, the original ResNet and the three attention papers) or
on the 3x3 (`stride_on="3x3"`, torchvision's "ResNet v1.5"); the parameters are the same,
the multiply-adds are not (3.86 G against 4.09 G at 224 x 224).
"""
from torch import nn

from .attention import attention_module

STAGE_BLOCKS = (3, 4, 6, 3)
STAGE_WIDTHS = (64, 128, 256, 512)
EXPANSION = 4
ECA_OFFICIAL_KERNELS = (3, 5, 5, 7)  # the official ECA-ResNet-50's per-stage choice
STRIDE_PLACEMENTS = ("1x1", "3x3")


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 expand; attention on the residual branch before the addition."""

    def __init__(self, in_channels: int, width: int, stride: int, stride_on: str, attention: nn.Module):
        super().__init__()
        out_channels = width * EXPANSION
        stride_1x1, stride_3x3 = (stride, 1) if stride_on == "1x1" else (1, stride)
        self.conv1 = nn.Conv2d(in_channels, width, 1, stride=stride_1x1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.conv2 = nn.Conv2d(width, width, 3, stride=stride_3x3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.conv3 = nn.Conv2d(width, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels)
        self.attention = attention
        self.relu = nn.ReLU(inplace=True)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.attention(self.bn3(self.conv3(out)))
        return self.relu(out + self.shortcut(x))


class ResNet50(nn.Module):
    """The 7x7 stem, four stages of bottlenecks (3, 4, 6, 3), average pooling, a linear classifier."""

    def __init__(
        self,
        attention: str = "none",
        *,
        stride_on: str = "1x1",
        mlp_bias: bool = False,
        eca_kernels: str = "formula",
        num_classes: int = 1000,
        modules: dict | None = None,
    ):
        """modules: classes with the exercise API for the attention slot (None: the course's)."""
        super().__init__()
        if stride_on not in STRIDE_PLACEMENTS:
            raise ValueError(f"stride_on must be one of {STRIDE_PLACEMENTS}; got {stride_on!r}")
        if eca_kernels not in ("formula", "official"):
            raise ValueError(f"eca_kernels must be 'formula' or 'official'; got {eca_kernels!r}")
        self.stem = nn.Sequential(
            nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
        )
        stages, in_channels = [], 64
        for index, (blocks, width) in enumerate(zip(STAGE_BLOCKS, STAGE_WIDTHS)):
            eca_kernel_size = ECA_OFFICIAL_KERNELS[index] if eca_kernels == "official" else None
            layers = []
            for block in range(blocks):
                stride = 2 if block == 0 and index > 0 else 1
                module = attention_module(
                    attention, width * EXPANSION, mlp_bias=mlp_bias, eca_kernel_size=eca_kernel_size, modules=modules
                )
                layers.append(Bottleneck(in_channels, width, stride, stride_on, module))
                in_channels = width * EXPANSION
            stages.append(nn.Sequential(*layers))
        self.stages = nn.Sequential(*stages)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        features = self.stages(self.stem(x))  # (N, 2048, H/32, W/32)
        return self.fc(self.pool(features).flatten(1))  # (N, num_classes)
