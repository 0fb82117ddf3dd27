"""Implementations a test cell must accept (correct alternatives) or reject (wrong ones), per exercise.

Each entry is source code that defines the exercise's name, run in the namespace of the
notebook's given cells (imports: torch, nn, F; the given squeeze or ChannelAttention).
Wrong entries carry a fragment the failure message must contain, when it names the mistake.
"""

CORRECT = {
    "squeeze": [
        "def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True)",
        "def squeeze(x):\n    return nn.AdaptiveAvgPool2d(1)(x)",
        "def squeeze(x):\n    return F.avg_pool2d(x, kernel_size=x.shape[2:])",
        "def squeeze(x):\n    n, c, h, w = x.shape\n    return (x.sum(-1).sum(-1) / (h * w)).view(n, c, 1, 1)",
    ],
    "excitation": [
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(inplace=True),
                                nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""",
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.up = nn.Parameter(torch.randn(channels, h))     # registered first, used second
        self.down = nn.Parameter(torch.randn(h, channels))
    def forward(self, z):
        return torch.sigmoid(F.linear(F.relu(F.linear(z, self.down)), self.up))""",
        """class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.conv1 = nn.Conv2d(channels, h, 1, bias=False)
        self.conv2 = nn.Conv2d(h, channels, 1, bias=False)
    def forward(self, z):
        n, c = z.shape
        return self.conv2(self.conv1(z.view(n, c, 1, 1)).relu()).sigmoid().view(n, c)""",
    ],
    "se_block": [
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(n, c)).view(n, c, 1, 1)""",
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Sequential(nn.Conv2d(channels, h, 1, bias=False), nn.ReLU(),
                                nn.Conv2d(h, channels, 1, bias=False), nn.Sigmoid())
    def forward(self, x):
        return x * self.fc(self.pool(x))""",
        """class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.b = nn.Linear(h, channels, bias=False)
        self.a = nn.Linear(channels, h, bias=False)
    def forward(self, x):
        w = torch.sigmoid(self.b(F.relu(self.a(x.mean((2, 3))))))
        return x * w[:, :, None, None]""",
    ],
    "eca_kernel_size": [
        """import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1""",
        """import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs(math.log(channels, 2) / gamma + b / gamma))
    return t + 1 - t % 2""",
        """import numpy as np
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(np.abs((np.log2(channels) + b) / gamma))
    return int(t | 1)""",
    ],
    "eca_block": [
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        y = squeeze(x)                                        # (N, C, 1, 1)
        y = self.conv(y.squeeze(-1).transpose(-1, -2))        # (N, 1, C)
        return x * torch.sigmoid(y.transpose(-1, -2).unsqueeze(-1))""",
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.kernel = nn.Parameter(torch.randn(k))
    def forward(self, x):
        n, c = x.shape[:2]
        k = self.kernel.numel()
        z = F.conv1d(x.mean((2, 3)).unsqueeze(1), self.kernel.view(1, 1, k), padding=k // 2)
        return x * z.sigmoid().view(n, c, 1, 1)""",
        """class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size if kernel_size is not None else eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv2d(1, 1, (1, k), padding=(0, (k - 1) // 2), bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        z = F.adaptive_avg_pool2d(x, 1).view(n, 1, 1, c)
        return x * torch.sigmoid(self.conv(z)).view(n, c, 1, 1)""",
    ],
    "channel_attention": [
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Conv2d(channels, h, 1, bias=False), nn.ReLU(), nn.Conv2d(h, channels, 1, bias=False))
        self.avg, self.max = nn.AdaptiveAvgPool2d(1), nn.AdaptiveMaxPool2d(1)
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(self.avg(x)) + self.mlp(self.max(x)))""",
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.w1 = nn.Linear(channels, h, bias=False)
        self.w2 = nn.Linear(h, channels, bias=False)
    def forward(self, x):
        z = torch.stack([x.mean((2, 3)), x.amax((2, 3))])     # (2, N, C): one MLP call
        w = torch.sigmoid(self.w2(torch.relu(self.w1(z))).sum(0))
        return x * w[..., None, None]""",
        """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc2 = nn.Linear(h, channels, bias=False)
        self.fc1 = nn.Linear(channels, h, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        a = self.fc2(F.relu(self.fc1(F.adaptive_avg_pool2d(x, 1).flatten(1))))
        m = self.fc2(F.relu(self.fc1(F.adaptive_max_pool2d(x, 1).flatten(1))))
        return (a + m).sigmoid().reshape(n, c, 1, 1) * x""",
    ],
    "spatial_attention": [
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        m, _ = torch.max(x, dim=1, keepdim=True)
        a = torch.mean(x, dim=1, keepdim=True)
        return x * torch.sigmoid(self.conv(torch.cat([m, a], dim=1)))""",
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(1, 2, kernel_size, kernel_size))
    def forward(self, x):
        maps = torch.stack([x.amax(1), x.mean(1)], dim=1)
        return x * F.conv2d(maps, self.weight, padding=self.weight.shape[-1] // 2).sigmoid()""",
        """class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.gate = nn.Sequential(nn.Conv2d(2, 1, kernel_size, padding=(kernel_size - 1) // 2, bias=False), nn.Sigmoid())
    def forward(self, x):
        return self.gate(torch.cat((x.max(1, keepdim=True).values, x.sum(1, keepdim=True) / x.shape[1]), 1)) * x""",
    ],
    "cbam": [
        """class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.spatial(self.channel(x))""",
        """class CBAM(nn.Sequential):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__(ChannelAttention(channels, reduction), SpatialAttention(kernel_size))""",
        """class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.sa = SpatialAttention(kernel_size)   # registered first, used second
        self.ca = ChannelAttention(channels, reduction)
    def forward(self, x):
        y = self.ca(x)
        return self.sa(y)""",
    ],
}

# (source, fragment of the expected failure message or "")
WRONG = {
    "squeeze": [
        ("def squeeze(x):\n    return x.amax(dim=(2, 3), keepdim=True)", "max pooling"),
        ("def squeeze(x):\n    return x.sum(dim=(2, 3), keepdim=True)", "summed"),
        ("def squeeze(x):\n    return x.mean(dim=(2, 3))", "keepdim"),
        ("def squeeze(x):\n    return x.mean(dim=(0, 2, 3), keepdim=True).expand(x.shape[0], -1, 1, 1)", "batch"),
        ("def squeeze(x):\n    return x.float().mean(dim=(2, 3), keepdim=True)", "dtype"),
        ("def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True).detach()", "gradient"),
        ("def squeeze(x):\n    return (x.sum((2, 3), keepdim=True) / x.shape[2])", "count"),
        ("def squeeze(x):\n    n, c = x.shape[:2]\n    return x.mean((2, 3)).view(n, c, 1, 1) + torch.zeros(n, c, 1, 1)", "dtype"),
    ],
    "excitation": [
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, z):
        return self.fc(z)""", "sigmoid"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h), nn.ReLU(), nn.Linear(h, channels), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", "bias"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = channels // reduction
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", ""),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", "ReLU"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, z):
        return torch.softmax(self.fc(z), dim=1)""", "softmax"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z.mean(0, keepdim=True)).expand_as(z)""", "batch"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(),
                                nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z)""", "BatchNorm"),
        ("""class Excitation(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.fc = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False), nn.Sigmoid())
    def forward(self, z):
        return self.fc(z.float())""", "float64"),
    ],
    "se_block": [
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return self.excitation(squeeze(x).view(n, c)).view(n, c, 1, 1)""", "gate"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(x.amax((2, 3))).view(n, c, 1, 1)""", "max pooling"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x + self.excitation(squeeze(x).view(n, c)).view(n, c, 1, 1)""", "added"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(n, c)).detach().view(n, c, 1, 1)""", "detached"),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(1, n * c)[:, :c].expand(n, c)).view(n, c, 1, 1)""", ""),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.excitation(squeeze(x).view(n, c)).view(c, n, 1, 1).transpose(0, 1)""", ""),
        ("""class SEBlock(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)
    def forward(self, x):
        n, c = x.shape[:2]
        w = self.excitation(squeeze(x).view(n, c))
        return x * w.view(n, c, 1, 1).to(torch.device("cpu"))""", "device"),
    ],
    "eca_kernel_size": [
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    return int(abs((math.log2(channels) + b) / gamma))""", "odd"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return max(3, t if t % 2 else t + 1)""", "clamp"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log(channels) + b) / gamma))
    return t if t % 2 else t + 1""", "log2"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = round(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1""", "round"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t - 1""", "rounded down"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = abs((math.log2(channels) + b) / gamma)
    return t if int(t) % 2 else int(t) + 1""", "int"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int(abs(math.log2(channels) / gamma))
    return t if t % 2 else t + 1""", "expected"),
        ("""import math
def eca_kernel_size(channels, gamma=2, b=1):
    t = int((math.log2(channels) + b) / gamma)
    return t if t % 2 else t + 1""", "absolute"),
    ],
    "eca_block": [
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * self.conv(x.mean((2, 3)).view(n, 1, c)).view(n, c, 1, 1)""", "sigmoid"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(1, 1, n * c))).view(n, c, 1, 1)""", "flattened batch"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "bias"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 3, padding=1, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "kernel"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.amax((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "max pooling"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        return x * torch.sigmoid(self.conv(x.mean((2, 3)).view(n, 1, c))).view(n, c, 1, 1)""", "kernel"),
        ("""class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.conv = nn.Conv1d(1, 1, k, padding=(k - 1) // 2, bias=False)
    def forward(self, x):
        n, c = x.shape[:2]
        z = torch.zeros(n, 1, c)
        z[:, 0] = x.mean((2, 3))
        return x * torch.sigmoid(self.conv(z)).view(n, c, 1, 1)""", "float64"),
    ],
    "channel_attention": [
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(x.mean((2, 3))))[..., None, None]""", "only the average"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * (torch.sigmoid(self.mlp(x.mean((2, 3)))) + torch.sigmoid(self.mlp(x.amax((2, 3)))))[..., None, None]""", "each path"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        mlp = lambda: nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
        self.avg_mlp, self.max_mlp = mlp(), mlp()
    def forward(self, x):
        return x * torch.sigmoid(self.avg_mlp(x.mean((2, 3))) + self.max_mlp(x.amax((2, 3))))[..., None, None]""", "shared"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h), nn.ReLU(), nn.Linear(h, channels))
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3))))[..., None, None]""", "bias"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * torch.sigmoid(self.mlp(x.mean((2, 3)) + x.amax((2, 3))))[..., None, None]""", "before the MLP"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        return x * (self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3))))[..., None, None]""", "sigmoid"),
        ("""class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        h = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, h, bias=False), nn.ReLU(), nn.Linear(h, channels, bias=False))
    def forward(self, x):
        with torch.no_grad():
            w = torch.sigmoid(self.mlp(x.mean((2, 3))) + self.mlp(x.amax((2, 3))))
        return x * w[..., None, None]""", "detached"),
    ],
    "spatial_attention": [
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.mean(1, keepdim=True), x.amax(1, keepdim=True)], 1)))""", "order"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1))""", "sigmoid"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))""", "bias"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.bn = nn.BatchNorm2d(1)
    def forward(self, x):
        return x * torch.sigmoid(self.bn(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1))))""", "BatchNorm"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, 7, padding=3, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))""", "3x3"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.sum(1, keepdim=True)], 1)))""", "sum"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))""", "gate"),
        ("""class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        maps = torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)
        return x * torch.sigmoid(self.conv(maps.amax(0, keepdim=True)))""", ""),
    ],
    "cbam": [
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.channel(self.spatial(x))""", "wrong order"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.channel(x) * self.spatial(x) / x""", ""),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return x + self.spatial(self.channel(x))""", "residual"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(7)
    def forward(self, x):
        return self.spatial(self.channel(x))""", "3x3"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.channel(x)""", "only the channel"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
        self.spatial2 = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.spatial2(self.spatial(self.channel(x)))""", "expected"),
        ("""class CBAM(nn.Module):
    def __init__(self, channels, reduction=16, kernel_size=7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)
    def forward(self, x):
        return self.spatial(self.channel(x).detach())""", "gradient"),
    ],
}
