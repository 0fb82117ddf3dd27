"""Time SE, ECA and CBAM against the ResNet-50 bottleneck they sit in, and the whole network with each.

Prints, for CPU and (when present) CUDA, side by side from one run:
  1. each module's forward and backward time as a fraction of its bottleneck's, per stage;
  2. ResNet-50 throughput (images/s) with each module, and its ratio to no attention;
  3. checks that the reference modules do no more than needed: the memory layout kept,
     full-size copy kernels counted, and CBAM against two variants (its MLP called
     twice; max pooling whose backward scatters by index instead of amax's).
It asserts nothing.

    python benchmarks/attention_timing.py                 # CPU defaults sized for a laptop
    python benchmarks/attention_timing.py --image-size 224 --batch 32 --devices cuda
"""
import argparse

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile
from torch.utils import benchmark

from experiments.attention import attention_module
from experiments.timing import MODULES, fractions, module_measurements, network_throughput, stage_input

ATTENTIONS = ("none",) + MODULES


def print_fractions(device, batch, image_size, channels_last, min_run_time):
    layout = "channels_last" if channels_last else "contiguous"
    print(f"\n== module time / bottleneck time ({device}, batch {batch}, {image_size}px input, {layout})")
    print(f"{'stage':>6} {'shape':>18} " + " ".join(f"{m + ' fwd':>9} {m + ' bwd':>9}" for m in MODULES))
    everything = []
    for stage in range(4):
        cells = []
        for attention in MODULES:
            measured = module_measurements(attention, stage, batch=batch, image_size=image_size, device=device,
                                           channels_last=channels_last, min_run_time=min_run_time)
            everything += measured.values()
            share = fractions(measured)
            cells.append(f"{100 * share['forward']:>8.1f}% {100 * share['backward']:>8.1f}%")
        shape = tuple(stage_input(stage, 1, image_size, "meta", False).shape[1:])
        print(f"{stage + 1:>6} {str(shape):>18} " + " ".join(cells))
    return everything


def print_throughput(device, batch, image_size, channels_last, min_run_time):
    print(f"\n== ResNet-50 throughput ({device}, batch {batch}, {image_size}px)")
    print(f"{'attention':>9} {'inference img/s':>16} {'ratio':>6} {'training img/s':>15} {'ratio':>6}")
    base, everything = None, []
    for attention in ATTENTIONS:
        result = network_throughput(attention, batch=batch, image_size=image_size, device=device,
                                    channels_last=channels_last, min_run_time=min_run_time)
        everything += result["measurements"]
        base = base or result
        print(f"{attention:>9} {result['inference']:>16.1f} {result['inference'] / base['inference']:>6.3f} "
              f"{result['training']:>15.1f} {result['training'] / base['training']:>6.3f}")
    return everything


def two_mlp_calls(cbam, x):
    """CBAM with its shared MLP called once per descriptor instead of once on the stacked pair."""
    n, c = x.shape[:2]
    mlp = cbam.channel.mlp
    x = x * torch.sigmoid(mlp(x.mean(dim=(2, 3))) + mlp(x.amax(dim=(2, 3)))).reshape(n, c, 1, 1)
    return cbam.spatial(x)


def index_max(cbam, x):
    """CBAM with max pooling whose backward scatters by index (adaptive_max_pool2d, max().values)."""
    n, c = x.shape[:2]
    descriptors = torch.stack((x.mean(dim=(2, 3)), F.adaptive_max_pool2d(x, 1).reshape(n, c)))  # (2, N, C)
    x = x * torch.sigmoid(cbam.channel.mlp(descriptors).sum(dim=0)).reshape(n, c, 1, 1)
    maps = torch.cat((x.max(dim=1, keepdim=True).values, x.mean(dim=1, keepdim=True)), dim=1)  # (N, 2, H, W)
    return x * torch.sigmoid(cbam.spatial.conv(maps))


def full_size_copies(function, x):
    """Copy kernels (dtype casts, clones, layout changes) on tensors as large as x, forward and backward."""
    out = function(x)
    grad = torch.randn_like(out)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        torch.autograd.grad(function(x), x, grad)
    copies = [e for e in prof.events() if e.name == "aten::copy_"]  # what clone, to and contiguous run
    return out, sum(1 for e in copies if any(list(shape) == list(x.shape) for shape in e.input_shapes[:1]))


def timed(function, x, sync, min_run_time, description):
    grad = torch.randn_like(function(x))
    stmt = f"torch.autograd.grad(f(x), x, g); {sync}"
    timer = benchmark.Timer(stmt, globals={"f": function, "x": x, "g": grad, "torch": torch}, description=description)
    return timer.blocked_autorange(min_run_time=min_run_time)


def print_implementation_checks(device, batch, image_size, min_run_time):
    print(f"\n== does each reference module do only what it must? ({device}, stage 1 shape, forward+backward)")
    sync = "torch.cuda.synchronize()" if device == "cuda" else ""
    everything = []
    for channels_last in (False, True):
        layout = "channels_last" if channels_last else "contiguous"
        x = stage_input(0, batch, image_size, device, channels_last).requires_grad_()
        for attention in MODULES:
            module = attention_module(attention, x.shape[1]).to(device)
            out, copies = full_size_copies(module, x)
            kept = out.is_contiguous(memory_format=torch.channels_last) if channels_last else out.is_contiguous()
            print(f"{layout:>13} {attention:>5}: output keeps the layout: {kept}; full-size copy kernels: {copies}")
        cbam = attention_module("cbam", x.shape[1]).to(device)
        variants = {"reference": cbam, "two MLP calls": lambda t, cbam=cbam: two_mlp_calls(cbam, t),
                    "index-based max": lambda t, cbam=cbam: index_max(cbam, t)}
        for name, function in variants.items():
            same = torch.allclose(function(x), cbam(x), atol=1e-5)
            _, copies = full_size_copies(function, x)
            measured = timed(function, x, sync, min_run_time, f"CBAM {name} ({layout})")
            everything.append(measured)
            if name == "reference":
                reference_time = measured.median
            print(f"{layout:>13} CBAM, {name:>15}: {1e3 * measured.median:7.2f} ms "
                  f"({measured.median / reference_time:.2f} of the reference), same output: {same}, "
                  f"full-size copy kernels: {copies}")
    return everything


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", nargs="+", choices=("cpu", "cuda"), help="default: cpu, and cuda if present")
    parser.add_argument("--batch", type=int, default=None, help="batch size (default: 4 on CPU, 32 on CUDA)")
    parser.add_argument("--image-size", type=int, default=None, help="image side (default: 160 on CPU, 224 on CUDA)")
    parser.add_argument("--min-run-time", type=float, default=0.3, help="seconds per measurement")
    parser.add_argument("--skip-network", action="store_true", help="only the per-module fractions and checks")
    parser.add_argument("--compare", action="store_true", help="also print torch.utils.benchmark's raw table")
    args = parser.parse_args(argv)
    for name in ("batch", "image_size", "min_run_time"):
        value = getattr(args, name)
        if value is not None and value <= 0:
            parser.error(f"--{name.replace('_', '-')} must be positive, got {value}")
    if args.image_size is not None and args.image_size < 64:
        parser.error("--image-size must be at least 64 (ResNet-50 downsamples by 32; BatchNorm needs 2 x 2 maps)")
    devices = args.devices or (["cpu", "cuda"] if torch.cuda.is_available() else ["cpu"])
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, devices: {', '.join(devices)}")
    for device in devices:
        if device == "cuda" and not torch.cuda.is_available():
            print("\n(cuda asked for but not available: skipped)")
            continue
        batch = args.batch or (32 if device == "cuda" else 4)
        size = args.image_size or (224 if device == "cuda" else 160)
        raw = []
        for channels_last in (False, True):
            raw += print_fractions(device, batch, size, channels_last, args.min_run_time)
        if not args.skip_network:
            raw += print_throughput(device, batch, size, False, 3 * args.min_run_time)
        raw += print_implementation_checks(device, batch, size, args.min_run_time)
        if args.compare:
            benchmark.Compare(raw).print()


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
