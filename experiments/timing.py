"""What each attention module costs in time, measured with torch.utils.benchmark.

    fraction = t(module) / t(bottleneck with the module)       forward, and backward alone

The bottleneck is ResNet-50's, at the shape a stage sees for a given image size
(stage s: 256 * 2^s channels at image_size / 2^(s + 2) pixels). Backward time is the
time of forward and backward together less the forward time.
"""
import torch
from torch.utils import benchmark

from .attention import attention_module
from .resnet import EXPANSION, STAGE_WIDTHS, Bottleneck, ResNet50

MODULES = ("se", "eca", "cbam")


def _median(stmt, globals_, min_run_time: float, label: str, sub_label: str, description: str):
    timer = benchmark.Timer(stmt=stmt, globals=globals_, label=label, sub_label=sub_label, description=description)
    return timer.blocked_autorange(min_run_time=min_run_time)


def _synchronized(device):
    return "torch.cuda.synchronize()" if device == "cuda" else ""


def stage_input(stage: int, batch: int, image_size: int, device: str, channels_last: bool) -> torch.Tensor:
    """(N, 4 * width, S, S): what a bottleneck of `stage` (0..3) receives for `image_size` images."""
    side = max(1, image_size // 2 ** (stage + 2))
    x = torch.randn(batch, STAGE_WIDTHS[stage] * EXPANSION, side, side, device=device)
    return x.contiguous(memory_format=torch.channels_last) if channels_last else x


def module_measurements(attention: str, stage: int, *, batch=8, image_size=224, device="cpu",
                        channels_last=False, min_run_time=0.2):
    """Timings (forward, forward+backward) of the module alone and of the bottleneck holding it."""
    x = stage_input(stage, batch, image_size, device, channels_last).requires_grad_()
    channels = x.shape[1]
    block = Bottleneck(channels, STAGE_WIDTHS[stage], 1, "1x1", attention_module(attention, channels)).to(device)
    if channels_last:
        block = block.to(memory_format=torch.channels_last)
    sync = _synchronized(device)
    layout = "channels_last" if channels_last else "contiguous"
    results = {}
    for part, target in (("module", block.attention), ("bottleneck", block)):
        for pass_, stmt in (("forward", f"f(x); {sync}"), ("forward+backward", f"f(x).sum().backward(); {sync}")):
            results[part, pass_] = _median(
                stmt, {"f": target, "x": x, "torch": torch}, min_run_time,
                label=f"{device}, batch {batch}, {layout}", sub_label=f"stage {stage + 1} {tuple(x.shape[1:])}",
                description=f"{attention} {part} {pass_}",
            )
    return results


def fractions(measurements) -> dict:
    """Module time over bottleneck time: forward, backward alone, and the two together."""
    t = {key: m.median for key, m in measurements.items()}
    backward = {part: t[part, "forward+backward"] - t[part, "forward"] for part in ("module", "bottleneck")}
    return {
        "forward": t["module", "forward"] / t["bottleneck", "forward"],
        "backward": backward["module"] / backward["bottleneck"],
        "forward+backward": t["module", "forward+backward"] / t["bottleneck", "forward+backward"],
    }


def network_throughput(attention: str, *, batch=8, image_size=224, device="cpu", channels_last=False,
                       min_run_time=1.0):
    """Images per second of ResNet-50 with `attention`: inference (eval, no grad) and a training step."""
    model = ResNet50(attention).to(device)
    x = torch.randn(batch, 3, image_size, image_size, device=device)
    if channels_last:
        model, x = model.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    sync = _synchronized(device)
    layout = "channels_last" if channels_last else "contiguous"
    label = f"ResNet-50 images/s, {device}, batch {batch}, {image_size}px, {layout}"
    globals_ = {"m": model, "x": x, "torch": torch}
    model.eval()
    with torch.no_grad():
        inference = _median(f"m(x); {sync}", globals_, min_run_time, label, attention, "inference")
    model.train()
    training = _median(f"m(x).sum().backward(); {sync}", globals_, min_run_time, label, attention, "training step")
    return {"inference": batch / inference.median, "training": batch / training.median,
            "measurements": (inference, training)}
