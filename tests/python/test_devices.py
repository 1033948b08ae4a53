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


# --- on the fake devices of fake_devices.py -------------------------------------------

from fake_devices import install  # noqa: E402
from torchbridge._errors import DtypeError, ValueOverflowError  # noqa: E402


@pytest.fixture
def fake(monkeypatch):
    devices = install(monkeypatch)
    with devices:
        yield devices


def test_a_data_frame_with_inf_goes_to_mps(rmem, fake):
    cols = [rmem.double([1.0, math.inf, -math.inf]), rmem.integer([1, 2, 3])]
    t = tb.from_columns([c.address for c in cols], ["double", "integer"], "3", dtype="float32", device="mps")
    assert t.device.type == "mps"
    assert t[:, 0].tolist() == [1.0, math.inf, -math.inf]


def test_a_data_frame_beyond_float32_on_mps_is_an_overflow_error(rmem, fake):
    col = rmem.double([1.0, 1e300])
    with pytest.raises(ValueOverflowError) as ei:
        tb.from_columns([col.address], ["double"], "2", dtype="float32", device="mps")
    assert ei.value.message == "Can't convert to float32: a value is outside its range."


MPS_DTYPE_HINT = {
    "float64": ("i", 'Use `dtype = "float32"`, or `device = "cpu"` to keep float64.'),
    "complex128": ("i", 'Use `dtype = "complex64"`, or `device = "cpu"` to keep complex128.'),
}


@pytest.mark.parametrize("dtype", ["float64", "complex128"])
def test_float64_on_mps_is_a_dtype_error(rmem, fake, dtype):
    x = rmem.double([1.0, 2.0])
    calls = [
        lambda: x.from_r(dtype=dtype, device="mps"),
        lambda: tb.from_columns([x.address], ["double"], "2", dtype=dtype, device="mps"),
        lambda: tb.cast_tensor(torch.ones(2, dtype=getattr(torch, dtype)), device="mps"),
        lambda: tb.cast_tensor(torch.ones(2), dtype, device="mps"),
    ]
    for call in calls:
        with pytest.raises(DtypeError) as ei:
            call()
        assert ei.value.message == f"Can't make a {dtype} tensor on MPS: Apple's Metal backend has no {dtype}."
        assert ei.value.bullets == [MPS_DTYPE_HINT[dtype]]
        assert tb.take_last_error()["kind"] == "dtype"


def test_complex_on_mps_with_float64_default_is_a_dtype_error(rmem, fake):
    with pytest.raises(DtypeError, match="complex128 tensor on MPS"):
        rmem.complex([1 + 1j]).from_r(float_dtype="float64", device="mps")


def test_a_float64_tensor_cast_for_mps_is_cast_before_the_move(fake):
    t = tb.cast_tensor(torch.ones(2, 3, dtype=torch.float64), "float32", device="mps")
    assert t.device.type == "mps" and t.dtype == torch.float32
    assert [(tr.kind, tr.dtype) for tr in fake.transfers] == [("h2d", torch.float32)]


def test_matmul_with_a_0d_cpu_tensor(fake):
    x = torch.tensor([[1.0], [2.0], [3.0]]).to("cuda:0")
    out = tb.matmul(x, torch.tensor(2.0))
    assert out.device == torch.device("cuda:0") and out.cpu().tolist() == [[2.0], [4.0], [6.0]]
    out = tb.matmul(torch.tensor(2.0), torch.tensor([1.0, 2.0]).to("cuda:1"))
    assert out.device == torch.device("cuda:1") and out.cpu().tolist() == [[2.0, 4.0]]
    with pytest.raises(DeviceError, match="different devices"):
        tb.matmul(x, torch.ones(1, 2))


@pytest.mark.parametrize("op, expected", [("sum", 8.0), ("prod", 12.0), ("max", 3.0), ("range", [1.0, 3.0])])
def test_summary_with_a_0d_cpu_tensor(fake, op, expected):
    x = torch.tensor([1.0, 3.0]).to("cuda:0")
    for items in ([x, torch.tensor(2.0), 2.0], [torch.tensor(2.0), x, 2.0]):
        out = tb.summary(op, items)
        assert out.device == torch.device("cuda:0")
        assert out.cpu().tolist() == expected
    with pytest.raises(DeviceError, match="different devices"):
        tb.summary(op, [x, torch.ones(2)])


def test_devices_makes_no_cuda_context(fake):
    cols = tb.devices()
    assert cols["device"] == ["cpu", "cuda:0", "cuda:1", "mps"]
    assert cols["name"][1:3] == ["Fake GPU 0", "Fake GPU 1"]
    assert cols["total_memory"][1:3] == [80e9, 80e9]
    assert all(math.isnan(f) for f in cols["free_memory"][1:])
    tb.info()
    assert fake.contexts == set()


def test_devices_free_memory_where_a_context_exists_or_asked(fake):
    x = torch.empty(1000, device="cuda:1")  # cuda:1 now has a context
    cols = tb.devices()
    assert math.isnan(cols["free_memory"][1]) and cols["free_memory"][2] == 80e9 - 4000
    assert fake.contexts == {1}
    cols = tb.devices(free_memory=True)
    assert cols["free_memory"][1:3] == [80e9, 80e9 - 4000]
    assert fake.contexts == {0, 1}
    del x


def test_a_rocm_build_without_a_gpu_says_so(monkeypatch):
    install(monkeypatch, cuda=0, mps=False, hip="6.2.41133")
    with pytest.raises(NoGPUError) as ei:
        resolve("cuda")
    assert ei.value.bullets[0] == (
        "x", "This torch is built for ROCm 6.2.41133, but no GPU is visible "
             "(driver missing or HIP_VISIBLE_DEVICES empty).")
    assert "CPU-only" not in str(ei.value)
    info = tb.info()
    assert info["rocm_build"] == "6.2.41133" and info["cuda_build"] is None


def test_a_rocm_gpu_is_a_cuda_device(monkeypatch, rmem):
    fake = install(monkeypatch, cuda=1, mps=False, hip="6.2.41133")
    with fake:
        assert tb.default_device("auto") == "cuda"
        t = rmem.double([1.0, 2.0]).from_r(device="cuda")
        assert t.device == torch.device("cuda:0")
        assert tb.devices()["device"] == ["cpu", "cuda:0"]
    assert tb.cuda_count() == 1
