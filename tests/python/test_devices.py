"""_devices: device specs, availability errors and the device table."""

import math
import platform

import pytest
import torch

import torchbridge as tb
from torchbridge._devices import resolve
from torchbridge._errors import DeviceError, NoGPUError

HAS_CUDA = torch.cuda.is_available()
HAS_MPS = tb._devices._mps_available()
CPU_ONLY_BUILD = torch.version.cuda is None
DEVICE_HINT = ("i", 'Use "cpu", "cuda", "cuda:N", "mps" or "auto".')


def test_cpu():
    assert resolve("cpu") == torch.device("cpu")
    assert resolve(torch.device("cpu")) == torch.device("cpu")
    assert tb.default_device("cpu") == "cpu"


@pytest.mark.skipif(HAS_CUDA or HAS_MPS, reason="auto picks a GPU on this machine")
def test_auto_is_the_cpu_without_a_gpu():
    assert resolve("auto") == torch.device("cpu")
    assert tb.default_device("auto") == "cpu"


@pytest.mark.parametrize("spec", ["gpu", "CPU", "cuda:", "cuda:x", "cuda:-1", "", "tpu", " cpu", "cuda0", "auto "])
def test_unknown_device_names(spec):
    with pytest.raises(DeviceError) as ei:
        resolve(spec)
    e = ei.value
    assert e.kind == "device"
    assert e.message == "`device` must name a device torchbridge knows."
    assert e.bullets == [("x", f"Got {spec!r}."), DEVICE_HINT]


@pytest.mark.parametrize("spec, shown", [(0, "int"), (None, "NoneType"), (["cpu"], "list")])
def test_device_must_be_a_name(spec, shown):
    with pytest.raises(DeviceError) as ei:
        resolve(spec)
    assert ei.value.message == "`device` must be a device name."
    assert ei.value.bullets == [("x", f"Got an object of type {shown}."), DEVICE_HINT]


@pytest.mark.skipif(HAS_CUDA, reason="this machine has CUDA")
@pytest.mark.parametrize("spec", ["cuda", "cuda:0", "cuda:3", torch.device("cuda"), torch.device("cuda:1")])
def test_cuda_without_cuda_is_a_no_gpu_error(spec):
    with pytest.raises(NoGPUError) as ei:
        resolve(spec)
    e = ei.value
    assert e.kind == "no_gpu"
    assert e.message == f'Can\'t use device "{spec}": CUDA is not available.'
    assert e.bullets[1] == ("i", 'Install a CUDA build with `install_torch(cuda = "12.6")` (see `?install_torch`), '
                                 'or use device = "auto" to fall back to the CPU.')


@pytest.mark.skipif(HAS_CUDA or not CPU_ONLY_BUILD, reason="needs a CPU-only torch build")
def test_cuda_on_a_cpu_only_build_says_so():
    with pytest.raises(NoGPUError) as ei:
        tb.default_device("cuda")
    assert ei.value.bullets[0] == ("x", f"This torch is a CPU-only build (torch {torch.__version__}).")
    assert "CPU-only" in str(ei.value)
    assert tb.take_last_error()["kind"] == "no_gpu"


@pytest.mark.skipif(HAS_MPS, reason="this machine has MPS")
def test_mps_without_mps():
    with pytest.raises(NoGPUError) as ei:
        resolve("mps")
    e = ei.value
    assert e.message == 'Can\'t use device "mps": Apple\'s Metal backend is not available.'
    assert e.bullets == [
        ("x", f"torch {torch.__version__} on {platform.system()} {platform.machine()} has no usable MPS device."),
        ("i", 'MPS needs macOS 12.3+ on Apple silicon; use device = "cpu" or "auto" elsewhere.'),
    ]


def test_default_device_records_its_errors():
    with pytest.raises(DeviceError):
        tb.default_device("nope")
    err = tb.take_last_error()
    assert err["kind"] == "device"
    assert err["bullets"] == [["x", "Got 'nope'."], list(DEVICE_HINT)]


def test_devices_table_has_a_cpu_row_first():
    cols = tb.devices()
    assert list(cols) == ["device", "name", "total_memory", "free_memory"]
    n = len(cols["device"])
    assert all(len(v) == n for v in cols.values())
    assert cols["device"][0] == "cpu"
    assert isinstance(cols["name"][0], str) and cols["name"][0]
    total, free = cols["total_memory"][0], cols["free_memory"][0]
    assert isinstance(total, float) and isinstance(free, float)
    assert total > 2**20  # more than a megabyte of RAM
    assert math.isnan(free) or 0 < free <= total
    expected = ["cpu"] + [f"cuda:{i}" for i in range(tb.cuda_count())] + (["mps"] if HAS_MPS else [])
    assert cols["device"] == expected


def test_cuda_count():
    assert tb.cuda_count() == (torch.cuda.device_count() if HAS_CUDA else 0)
    assert type(tb.cuda_count()) is int


@pytest.mark.cuda
def test_cuda_devices():
    n = torch.cuda.device_count()
    assert resolve("cuda") == torch.device("cuda")
    assert resolve("cuda:0") == torch.device("cuda:0")
    assert tb.default_device("auto") == "cuda"
    with pytest.raises(NoGPUError) as ei:
        resolve(f"cuda:{n}")
    assert ei.value.message == f'Can\'t use device "cuda:{n}": there is no such CUDA device.'
    s = "s" if n != 1 else ""
    assert ei.value.bullets == [("x", f"This machine has {n} CUDA device{s} (cuda:0 to cuda:{n - 1}).")]
    cols = tb.devices()
    assert cols["device"][1:1 + n] == [f"cuda:{i}" for i in range(n)]
    assert cols["name"][1] == torch.cuda.get_device_properties(0).name
    assert 0 < cols["free_memory"][1] <= cols["total_memory"][1]
