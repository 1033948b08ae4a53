"""Where the data crosses between the host and a GPU, on the fake devices of
``fake_devices.py`` (every run, no GPU needed).

R -> GPU must be one host-to-device copy of R's own bytes (R's dtype, R's
column-major strides), with the cast and the layout change on the device;
GPU -> R one device-to-host copy of R's dtype from column-major staging made
on the device. The methods work on the device and move no bulk data back.
The last tests break that design in a copy of torchbridge and check that
these tests fail (``make check-gpu-logic`` runs this file alone).
"""

import ctypes
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import torchbridge as tb
from torchbridge._from_torch import plan as plan_of
from torchbridge import _memory
from conftest import desc
from fake_devices import Read, Transfer, install
from torchbridge._memory import column_major_strides
from torchbridge._errors import NAError, take_last_error


@pytest.fixture
def fake(monkeypatch):
    devices = install(monkeypatch)
    with devices:
        yield devices


# R type -> (values with an NA where the type has one, R's storage dtype)
R_VALUES = {
    "double": ([1.5, -2.0, None, 4.0, 0.25, 6.0], torch.float64),
    "integer": ([1, -2, None, 4, 5, 6], torch.int32),
    "logical": ([True, False, None, True, True, False], torch.int32),
    "complex": ([1 + 2j, -3j, None, 4, 5 - 1j, 0.5], torch.float64),
    "raw": ([1, 2, 255, 4, 5, 6], torch.uint8),
    "integer64": ([1, -(2**40), None, 4, 5, 6], torch.int64),
}
# targets for each R type (an NA needs a float one)
TARGETS = {
    "double": ["float64", "float32", "float16", "bfloat16", "complex128", "complex64"],
    "integer": ["float32", "float64", "bfloat16"],
    "logical": ["float32", "float64"],
    "complex": ["complex128", "complex64"],
    "raw": ["uint8", "int64", "int32", "float32", "float64", "bool"],
    "integer64": ["float64", "float32"],
}
CASES = [(r, t) for r in R_VALUES for t in TARGETS[r]]
# without an NA, into the integer and bool types too
EXACT = {
    "double": ([1.0, -2.0, 3.0, 4.0, 0.0, 6.0], ["int64", "int32", "int8", "bool"]),
    "integer": ([1, -2, 3, 4, 0, 6], ["int64", "int32", "int16", "bool"]),
    "logical": ([True, False, True, True, False, False], ["bool", "int64", "uint8"]),
    "complex": ([1, -3, 2, 4, 5, 0], ["float64", "int64"]),
    "integer64": ([1, -(2**40), 3, 4, 5, 6], ["int64", "uint64"][:1] + ["float64"]),
}
CASES_EXACT = [(r, t) for r in EXACT for t in EXACT[r][1]]
SHAPES = [None, [2, 3], [3, 1, 2]]


def r_transfer(x, rtype, storage, dev):
    """The one copy R -> ``dev`` must make: R's bytes, dtype and strides."""
    shape = x.dims if x.dims is not None else [x.length]
    strides = column_major_strides(shape)
    if rtype == "complex":
        shape, strides = shape + [2], tuple(2 * s for s in strides) + (1,)
    return Transfer("h2d", "cpu", dev, x.nbytes, storage, tuple(shape), tuple(strides), False, False)


def bulk(transfers):
    """The copies of data: without 0-d constants (an NA or fill value sent to the device)."""
    return [t for t in transfers if t.shape != ()]


def assert_no_bulk_reads(fake):
    """Only single values (checks' answers) are read back; no copy to the host."""
    assert fake.of_kind("d2h") == []
    assert [r for r in fake.reads if r.numel > 1] == []


def _check_to_device(rmem, fake, rtype, values, target, dims, dev):
    x = rmem.vector(rtype, values, dims)
    expected = x.from_r(dtype=target)  # the same conversion on the CPU
    fake.clear()
    t = x.from_r(dtype=target, device=dev)
    assert bulk(fake.transfers) == [r_transfer(x, rtype, R_VALUES[rtype][1], dev)]
    assert_no_bulk_reads(fake)
    assert t.device == torch.device(dev) and t.dtype == getattr(torch, target)
    assert t.is_contiguous()
    got = t.cpu()
    assert torch.equal(got, expected) or torch.allclose(got, expected, equal_nan=True)


@pytest.mark.parametrize("dims", SHAPES, ids=["vector", "matrix", "array"])
@pytest.mark.parametrize("rtype, target", CASES)
def test_to_cuda_is_one_copy_of_r_bytes(rmem, fake, rtype, target, dims):
    _check_to_device(rmem, fake, rtype, R_VALUES[rtype][0], target, dims, "cuda:0")


@pytest.mark.parametrize("rtype, target", CASES_EXACT)
def test_to_cuda_into_integer_types(rmem, fake, rtype, target):
    _check_to_device(rmem, fake, rtype, EXACT[rtype][0], target, [3, 2], "cuda:1")


def test_r_default_dtypes_to_cuda(rmem, fake):
    for rtype, (values, storage) in R_VALUES.items():
        x = rmem.vector(rtype, values if rtype in ("double", "complex") else EXACT.get(rtype, (values,))[0], [2, 3])
        fake.clear()
        x.from_r(device="cuda")
        assert fake.transfers == [r_transfer(x, rtype, storage, "cuda:0")], rtype


@pytest.mark.parametrize("rtype, target", [("integer", "float32"), ("logical", "bool"), ("raw", "float32"),
                                           ("integer64", "int64")])
def test_to_mps_is_one_copy_of_r_bytes(rmem, fake, rtype, target):
    values = EXACT.get(rtype, R_VALUES[rtype])[0]
    _check_to_device(rmem, fake, rtype, values, target, [2, 3], "mps:0")


def test_double_to_mps_is_cast_on_the_host(rmem, fake):
    """MPS has no float64: R's doubles cross once, already as float32."""
    x = rmem.double([1.5, None, 3.0, 4.0, 5.0, 6.0], [2, 3])
    t = x.from_r(dtype="float32", device="mps")
    (tr,) = fake.transfers
    assert (tr.kind, tr.dst, tr.dtype, tr.nbytes) == ("h2d", "mps:0", torch.float32, 24)
    assert t.device.type == "mps" and math.isnan(t[1, 0].item())


def test_data_frame_columns_are_one_copy_each(rmem, fake):
    cols = [rmem.double([1.5, None, 3.0]), rmem.integer([1, 2, None]), rmem.logical([True, None, False]),
            rmem.raw([1, 2, 3])]
    t = tb.from_columns([c.address for c in cols], [c.rtype for c in cols], "3", dtype="float32",
                        device="cuda:1")
    assert fake.transfers == [r_transfer(c, c.rtype, R_VALUES[c.rtype][1], "cuda:1") for c in cols]
    assert_no_bulk_reads(fake)
    assert t.device == torch.device("cuda:1") and t.shape == (3, 4)


# --- GPU -> R ------------------------------------------------------------------


def _device_tensors():
    return [
        ("float64", lambda d: torch.arange(12.0, dtype=torch.float64).reshape(3, 4).to(d), "integer"),
        ("float32-t", lambda d: torch.arange(12.0).reshape(3, 4).to(d).t(), "integer"),
        ("float16-3d", lambda d: torch.arange(24.0, dtype=torch.float16).reshape(2, 3, 4).to(d), "integer"),
        ("int64-bit64", lambda d: torch.tensor([[2**40, -5], [3, 4]]).to(d), "bit64"),
        ("int64-double", lambda d: torch.tensor([[2**40, -5], [3, 4]]).to(d), "double"),
        ("int32", lambda d: torch.arange(6, dtype=torch.int32).reshape(2, 3).to(d), "integer"),
        ("uint8", lambda d: torch.arange(6, dtype=torch.uint8).reshape(3, 2).to(d), "integer"),
        ("bool-expanded", lambda d: torch.tensor([True, False]).to(d).expand(3, 2), "integer"),
        ("complex64-conj", lambda d: torch.tensor([[1 + 2j, 3 - 4j]]).to(d).conj(), "integer"),
        ("complex128", lambda d: torch.tensor([[1 + 2j], [3 - 4j]], dtype=torch.complex128).to(d), "integer"),
        ("vector", lambda d: torch.arange(5.0).to(d), "integer"),
    ]


def _r_side(rtype, shape):
    """What must cross for an R vector of ``rtype`` and ``shape``."""
    storage = {"double": torch.float64, "integer": torch.int32, "logical": torch.int32,
               "complex": torch.float64, "integer64": torch.int64}[rtype]
    strides = column_major_strides(shape)
    if rtype == "complex":
        shape, strides = list(shape) + [2], tuple(2 * s for s in strides) + (1,)
    return storage, tuple(shape), tuple(strides)


def _check_from_device(fake, rmem, t, int64, scratch):
    expected = rmem.to_r(t.cpu(), int64)
    fake.clear()
    if scratch:
        buf = (ctypes.c_uint8 * 4096)()
        tb.set_scratch(str(ctypes.addressof(buf)), "4096")
        try:
            rtype, n, dims, _, in_scratch = plan_of(t, int64)
        finally:
            tb.set_scratch("0", "0")
        assert in_scratch
        got = rmem.decode(rtype, bytes(buf)[:len(expected.data)], int(n))
    else:
        r = rmem.to_r(t, int64)
        rtype, got = r.rtype, r.values
    storage, shape, strides = _r_side(rtype, list(t.shape))
    nbytes = math.prod(shape) * storage.itemsize
    assert fake.transfers == [Transfer("d2h", str(t.device), "cpu", nbytes, storage, shape, strides, False, False)]
    assert [r for r in fake.reads if r.numel > 1] == []
    assert rmem.canon(got) == rmem.canon(expected.values)


@pytest.mark.parametrize("scratch", [False, True], ids=["fill", "scratch"])
@pytest.mark.parametrize("name, make, int64", _device_tensors(), ids=[c[0] for c in _device_tensors()])
def test_from_cuda_is_one_copy_into_r(rmem, fake, name, make, int64, scratch):
    _check_from_device(fake, rmem, make("cuda:1"), int64, scratch)


@pytest.mark.parametrize("name, make, int64", [c for c in _device_tensors() if "float64" not in c[0]
                                                and "complex128" not in c[0]], ids=lambda c: str(c)[:12])
def test_from_mps_is_one_copy(rmem, fake, name, make, int64):
    """Nothing from MPS needs float64 on the device: int64 -> double is cast on the host."""
    t = make("mps")
    expected = rmem.to_r(t.cpu(), int64)
    fake.clear()
    r = rmem.to_r(t, int64)
    (tr,) = fake.transfers
    assert tr.kind == "d2h" and tr.src == "mps:0"
    assert rmem.canon(r.values) == rmem.canon(expected.values)


# --- methods, `[`, Summary, autoplot() ------------------------------------------------


def _methods_on_device(rmem, x, xi):
    yield tb.binary("+", x, 2.5)
    yield tb.binary("*", x, desc(rmem.double([1.0, 2.0, 3.0, 4.0, 5.0])))
    yield tb.binary(">", x, x)
    yield tb.binary("-", x, torch.tensor(1.0))  # a 0-d CPU tensor joins
    for op in ("sum", "prod", "min", "max", "range", "any", "all"):
        yield tb.summary(op, [x, 1.0], True)
    # integer results are checked for overflow on the device, in integers:
    # from the ranges, element by element where those don't settle it
    yield tb.binary("%/%", xi, 3)
    yield tb.binary("%%", xi, torch.tensor([[-3, -1, 1, 3, 7]], device=xi.device))  # 0 in the range, not in it
    yield tb.binary("-", xi, torch.tensor(1))
    yield tb.unary("-", xi)
    yield tb.math_op("abs", xi)
    wide = torch.tensor([[2**40, 1, -1, 2, 3]], device=xi.device)
    tall = torch.tensor([[1], [2**20], [-(2**21)], [5]], device=xi.device)
    yield tb.binary("*", wide, tall)  # the ranges allow 2^61: each product checked
    pair = torch.tensor([2**62, -(2**62), 5], device=xi.device)
    rev = torch.tensor([-(2**62), 2**62, 7], device=xi.device)
    yield tb.binary("+", pair, rev)
    yield tb.binary("-", pair, pair)
    yield tb.math_op("cumsum", pair)
    yield tb.math_op("cumprod", tall)
    for op in ("sum", "prod", "min", "max", "range", "any", "all"):
        yield tb.summary(op, [xi], False)
    yield tb.summary("sum", [pair, rev])
    yield tb.summary("prod", [wide])
    yield tb.mean(x, True)
    yield tb.matmul(x, x.t())
    yield tb.matmul(x, desc(rmem.double([1.0] * 5)))
    yield tb.subset(x, [2, None])
    yield tb.subset(x, [None, desc(rmem.logical([True, False, True, False, True]))])
    yield tb.subset(x, [x > 3])
    tb.assign(x, [1, None], 7.0)
    tb.assign(x, [x > 100], desc(rmem.double([0.0])))
    yield x
    if x.device.type != "mps":  # MPS has no float64: round() computes on the host (see below)
        yield tb.math_op("round", x, 1.0)
        yield tb.math_op("signif", x, 2.0)
    yield tb.transpose(x)
    yield tb.permute(x.reshape(2, 2, 5))


@pytest.mark.parametrize("dev", ["cuda:0", "mps:0"])
def test_methods_move_no_data_to_the_host(rmem, fake, dev):
    x = torch.arange(20.0).reshape(4, 5).to(dev)
    xi = torch.arange(20).reshape(4, 5).to(dev)
    fake.clear()
    for out in _methods_on_device(rmem, x, xi):
        assert out.device == torch.device(dev)
    assert fake.of_kind("d2h") == []
    # only prod()'s factors beyond -1 to 1 (at most 128 of them) come back, to multiply exactly
    assert [r for r in fake.reads if r.numel > 1] == [Read("tolist", str(torch.device(dev)), 3)]


@pytest.mark.parametrize("op, digits", [("round", 1.0), ("signif", 2.0)])
def test_round_and_signif_on_mps_compute_in_doubles_on_the_host(fake, monkeypatch, op, digits):
    """R computes them in doubles; float32 scaling by powers of ten rounds
    wrongly (signif(9.99e37, 1) would be 9e37) and overflows (NaN for
    signif(1.23e-35, 6)). So on MPS the values cross to the CPU and back, a
    piece at a time; each element crosses once each way."""
    monkeypatch.setattr(_memory, "DEVICE_WORK_PIECE", 8)
    x = torch.arange(20.0).reshape(4, 5).to("mps")
    fake.clear()
    out = tb.math_op(op, x, digits)
    assert out.device.type == "mps" and out.dtype == torch.float32 and out.shape == x.shape
    d2h, h2d = fake.of_kind("d2h"), fake.of_kind("h2d")
    assert sum(t.nbytes for t in d2h) == 20 * 4 and all(t.nbytes <= 8 * 4 for t in d2h)
    assert sum(t.nbytes for t in h2d if t.shape != ()) == 20 * 4


@pytest.mark.parametrize("kind", ["line", "lines", "scatter", "heatmap", "image"])
def test_autoplot_reduces_on_the_device(fake, kind):
    x = torch.rand(3, 40, 40).to("cuda:0")
    if kind in ("lines", "scatter", "heatmap"):
        x = x[0]
    elif kind == "line":
        x = x[0, 0]
    fake.clear()
    r = tb.plot_reduce(x, kind, 100)
    h = tb.plot_histogram(x, 10)
    assert r["tensor"].device.type == "cuda" and h["counts"].device.type == "cuda"
    assert fake.of_kind("d2h") == []
    assert [r for r in fake.reads if r.numel > 1] == []


# --- the model itself ---------------------------------------------------------------------


def test_the_model_refuses_what_torch_refuses(fake):
    x = torch.ones(3).to("cuda:0")
    with pytest.raises(RuntimeError, match="same device"):
        x + torch.ones(3)
    with pytest.raises(RuntimeError, match="same device"):
        x + torch.ones(3).to("cuda:1")
    assert (x + torch.tensor(1.0)).device == torch.device("cuda:0")
    with pytest.raises(TypeError, match="MPS"):
        torch.zeros(2, dtype=torch.float64, device="mps")
    with pytest.raises(TypeError, match="MPS"):
        torch.ones(2).to("mps", torch.complex128)


def test_the_model_stages_what_torch_stages(fake):
    src = torch.arange(6.0, dtype=torch.float64).reshape(2, 3).t()  # column-major
    fake.clear()
    src.to("cuda:0")
    assert fake.transfers[0].staged is False and fake.transfers[0].strides == (1, 3)
    fake.clear()
    src.to("cuda:0", torch.float32)  # a blocking copy casts on the host, crosses row-major
    (tr,) = fake.transfers
    assert (tr.staged, tr.host_cast, tr.dtype, tr.strides) == (True, True, torch.float32, (2, 1))
    dev = torch.arange(6.0).reshape(2, 3).to("cuda:0")
    fake.clear()
    dest = torch.empty(3, 2).t()
    dest.copy_(dev)
    assert fake.transfers[0].staged is True and fake.transfers[0].strides == (3, 1)


def test_the_model_counts_memory(monkeypatch):
    fake = install(monkeypatch, budget=1000)
    with fake:
        a = torch.empty(100, device="cuda:0")  # 400 bytes
        b = torch.empty(100, device="cuda:0")
        assert fake.live["cuda:0"] == 800 and fake.peak["cuda:0"] == 800
        with pytest.raises(torch.OutOfMemoryError):
            torch.empty(100, device="cuda:0")
        del a, b
        assert fake.live["cuda:0"] == 0 and fake.peak["cuda:0"] == 800
        assert fake.contexts == {0}


# --- the tests bite --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
BROKEN = {
    "row-major staging for GPU -> R": (
        "_from_torch.py",
        "staged = torch.empty_strided(tuple(shape), strides, dtype=stage,",
        "staged = torch.empty(tuple(shape), dtype=stage,",
        "test_from_cuda_is_one_copy_into_r and float32-t",
    ),
    "a host-side cast before R -> GPU": (
        "_to_torch.py",
        "src = src.to(dev)  # R's dtype and layout: one transfer, then work on the device",
        "src = src.to(target).to(dev)",
        "test_to_cuda_is_one_copy_of_r_bytes and integer-float32",
    ),
}


@pytest.mark.parametrize("what", list(BROKEN))
def test_the_transfer_tests_catch_a_broken_design(tmp_path, what):
    """A copy of torchbridge with the design broken on purpose fails these tests."""
    module, before, after, selection = BROKEN[what]
    shutil.copytree(ROOT / "inst" / "python" / "torchbridge", tmp_path / "inst" / "python" / "torchbridge",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "tests" / "python", tmp_path / "tests" / "python",
                    ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "inst" / "python" / "torchbridge" / module
    source = path.read_text()
    assert source.count(before) == 1, f"{module} changed: update BROKEN[{what!r}]"
    path.write_text(source.replace(before, after))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", selection,
         "tests/python/test_device_transfers.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "passed" not in run.stdout.splitlines()[-1], run.stdout
    assert "Transfer(kind=" in run.stdout  # failed on the transfers, not on the values


@pytest.mark.parametrize("dev", ["cuda:0", "mps:0"])
@pytest.mark.parametrize("op", ["%%", "%/%"])
def test_an_integer_division_by_zero_on_a_gpu_is_caught_before_torch(fake, dev, op):
    """GPU kernels divide integers by zero without an error (the harness
    gives -1s, as they give garbage), so the divisor is checked first."""
    x = torch.tensor([5, 7, 9]).to(dev)
    with pytest.raises(NAError, match="zero divisor"):
        tb.binary(op, x, torch.tensor([1, 0, 2]).to(dev))
    take_last_error()
    with pytest.raises(NAError, match="zero divisor"):
        tb.binary(op, x, torch.tensor(0))  # a 0-d CPU divisor
    take_last_error()
    assert tb.binary(op, x, torch.tensor([2, -3, 4]).to(dev)).cpu().tolist() == \
        ([1, -2, 1] if op == "%%" else [2, -3, 2])
