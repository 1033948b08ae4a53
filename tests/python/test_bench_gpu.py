"""bench/gpu_copies.py, torch's own copies that bench/devices.R times
torchbridge against on CUDA, run on the fake devices: each is one copy of
the bytes asked for, and the peak counts what a call held."""

import sys
from pathlib import Path

import pytest
import torch

from fake_devices import install

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import gpu_copies  # noqa: E402


@pytest.fixture
def fake(monkeypatch):
    devices = install(monkeypatch, cuda=1, mps=False)
    with devices:
        yield devices


@pytest.mark.parametrize("pinned", [False, True])
def test_the_baselines_are_one_copy_of_the_bytes(fake, pinned):
    src = gpu_copies.host(1000, pinned)
    assert src.is_pinned() == pinned and src.device.type == "cpu"
    fake.clear()
    on = gpu_copies.to_device(src)
    assert on.device == torch.device("cuda:0")
    assert [(t.kind, t.nbytes, t.staged) for t in fake.transfers] == [("h2d", 1000, False)]
    fake.clear()
    back = gpu_copies.to_host(on, gpu_copies.host(1000, True) if pinned else None)
    assert back.device.type == "cpu" and back.is_pinned() == pinned
    assert [(t.kind, t.nbytes) for t in fake.transfers] == [("d2h", 1000)]


def test_the_peak_is_what_a_call_held_beyond_what_was_there(fake):
    kept = gpu_copies.on_device(5000)
    base = gpu_copies.peak_start()
    assert base == 5000
    tmp = torch.empty(3000, dtype=torch.uint8, device="cuda")
    del tmp
    out = torch.empty(1000, dtype=torch.uint8, device="cuda")
    assert gpu_copies.peak_extra(base) == 3000
    assert kept.numel() + out.numel() == 6000
