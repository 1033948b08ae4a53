"""torch's own copies of the same bytes, and the peak device memory of a
call, for the CUDA rows of bench/devices.R.

The baselines are what a PyTorch user gets without torchbridge: a pageable
host tensor sent with ``.to("cuda")`` and brought back with ``.cpu()``, and
a pinned (page-locked) host buffer copied with ``non_blocking=True``, the
fastest copy CUDA offers. Each waits for the copy to end.
"""

from __future__ import annotations

from typing import Optional

import torch


def host(nbytes: int, pinned: bool) -> torch.Tensor:
    """``nbytes`` bytes of host memory, pinned or pageable, filled."""
    t = torch.ones(int(nbytes), dtype=torch.uint8)
    return t.pin_memory() if pinned else t


def on_device(nbytes: int, device: str = "cuda") -> torch.Tensor:
    return torch.ones(int(nbytes), dtype=torch.uint8, device=device)


def to_device(src: torch.Tensor, device: str = "cuda") -> torch.Tensor:
    """Host to device: ``src`` (pinned: asynchronously), then wait."""
    out = src.to(device, non_blocking=src.is_pinned())
    torch.cuda.synchronize()
    return out


def to_host(t: torch.Tensor, into: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Device to host: into a new pageable tensor (``.cpu()``), or into the
    buffer ``into`` (pinned: asynchronously), then wait."""
    if into is None:
        return t.cpu()
    into.copy_(t, non_blocking=into.is_pinned())
    torch.cuda.synchronize()
    return into


def peak_start(device: str = "cuda") -> int:
    """Reset the device's peak; the bytes allocated now."""
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats(device)
    return int(torch.cuda.memory_allocated(device))


def peak_extra(base: int, device: str = "cuda") -> int:
    """The most bytes allocated since :func:`peak_start` beyond ``base``."""
    torch.cuda.synchronize()
    return int(torch.cuda.max_memory_allocated(device)) - int(base)
