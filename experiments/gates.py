"""Read the attention weights out of a trained SmallCNN with forward hooks (no module is changed).

    SE:   s = excitation(z)                       hook on `excitation`, (N, C)
    ECA:  s = sigmoid(conv1d(z))                  hook on `conv`, (N, 1, C)
    CBAM: s = sigmoid(mlp(avg) + mlp(max))        hook on `channel.mlp`, (2, N, C)
          m = sigmoid(conv([max_c; mean_c]))      hook on `spatial.conv`, (N, 1, H, W)
"""
import torch


def _run_with_hook(model, module, images, transform, batch: int = 512) -> torch.Tensor:
    captured = []
    handle = module.register_forward_hook(lambda _m, _inputs, output: captured.append(transform(output).detach()))
    # One thread, as in the study's training: on a network this small a second thread mostly waits, and
    # on a busy machine threads waiting for each other made a pass ten times costlier in processor time.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model.eval()
        with torch.no_grad():
            for start in range(0, len(images), batch):
                model(images[start : start + batch])
    finally:
        handle.remove()
        torch.set_num_threads(threads)
    return torch.cat(captured).cpu()


def _unwrapped(module):
    """The attention module itself, inside a GateGain if there is one."""
    return getattr(module, "module", module)


def channel_gates(model, images: torch.Tensor, block: int = -1) -> torch.Tensor:
    """(N, C) channel weights of one residual block's SE, ECA or CBAM channel stage."""
    attention = _unwrapped(model.blocks[block].attention)
    name = model.attention_name
    if name == "se":
        return _run_with_hook(model, attention.excitation, images, lambda s: s)
    if name == "eca":
        return _run_with_hook(model, attention.conv, images, lambda y: torch.sigmoid(y).flatten(1))
    if name == "cbam-channel":
        return _run_with_hook(model, attention.mlp, images, lambda y: torch.sigmoid(y.sum(dim=0)))
    if name == "cbam":
        return _run_with_hook(model, attention.channel.mlp, images, lambda y: torch.sigmoid(y.sum(dim=0)))
    raise ValueError(f"a model with attention {name!r} has no channel weights")


def spatial_maps(model, images: torch.Tensor, block: int = 0) -> torch.Tensor:
    """(N, H, W) spatial attention map of one residual block's CBAM."""
    if model.attention_name != "cbam":
        raise ValueError(f"a model with attention {model.attention_name!r} has no spatial map")
    conv = _unwrapped(model.blocks[block].attention).spatial.conv
    return _run_with_hook(model, conv, images, lambda y: torch.sigmoid(y)[:, 0])


def box_contrast(maps: torch.Tensor, positions: torch.Tensor, canvas: int, box: int = 8) -> torch.Tensor:
    """Per image, the mean spatial weight inside the digit's box minus the mean outside it.

    maps: (N, h, w) at any resolution, upsampled here to the canvas; positions: (N, 2) top-left corners.
    """
    size = (canvas, canvas)
    up = torch.nn.functional.interpolate(maps[:, None], size=size, mode="bilinear", align_corners=False)[:, 0]
    inside = torch.zeros_like(up, dtype=torch.bool)
    for k, (row, col) in enumerate(positions.tolist()):
        inside[k, row : row + box, col : col + box] = True
    mean_in = (up * inside).sum(dim=(1, 2)) / inside.sum(dim=(1, 2))
    mean_out = (up * ~inside).sum(dim=(1, 2)) / (~inside).sum(dim=(1, 2))
    return mean_in - mean_out  # (N,)
