"""Memory on the device, on the fake devices of ``fake_devices.py``.

Data larger than a GPU's free memory crosses in pieces of R's memory
(``_memory.CHUNK_BYTES``, lowered here): the extra device memory stays
bounded by the piece size, each byte crosses once, straight into its place,
and the values are exact. Out of memory on CUDA is a ``torch`` error whose
text R recognises (see ``tb_py()`` in R/bridge.R); ``cuda_memory_stats()``,
``cuda_empty_cache()`` and ``cuda_synchronize()`` read and drive CUDA.
"""

import math

import pytest
import torch

import torchbridge as tb
from torchbridge._from_torch import plan as plan_of
from torchbridge import _memory
from torchbridge._errors import DeviceError, NoGPUError, TorchbridgeError, take_last_error
from torchbridge._memory import blocks, column_major_strides
from fake_devices import install

CHUNK = 96  # bytes: 12 doubles, 24 int32s, 6 R complex numbers


@pytest.fixture
def fake(monkeypatch):
    devices = install(monkeypatch)
    with devices:
        yield devices


@pytest.fixture
def chunk(monkeypatch):
    monkeypatch.setattr(_memory, "CHUNK_BYTES", CHUNK)
    return CHUNK


# --- the pieces -----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [[1], [7], [100], [3, 50], [50, 3], [13, 1, 7], [2, 3, 4, 5], [1000, 1], []])
@pytest.mark.parametrize("itemsize, chunk_bytes", [(8, 96), (8, 8), (4, 96), (16, 40), (8, 10**9)])
def test_blocks_cover_the_memory_once_in_order(shape, itemsize, chunk_bytes):
    ref = torch.arange(max(1, math.prod(shape)), dtype=torch.int64)
    arr = ref.as_strided(tuple(shape), column_major_strides(shape))  # column-major, as R stores it
    seen = []
    for index, piece, offset in blocks(shape, itemsize, chunk_bytes):
        part = arr[index] if index else arr
        assert list(part.shape) == piece
        assert math.prod(piece) * itemsize <= max(chunk_bytes, itemsize)
        # the piece is one run of memory from `offset`, in column-major order
        got = part.permute(list(range(part.dim()))[::-1]).reshape(-1).tolist() if part.dim() else [part.item()]
        assert got == list(range(offset, offset + len(got)))
        seen += got
    assert seen == ref.tolist()[:max(1, math.prod(shape))]


def test_blocks_of_an_empty_array_are_one_empty_piece():
    assert list(blocks([3, 0], 8, 96)) == [((), [3, 0], 0)]


def test_blocks_are_not_many_smaller_than_the_chunk():
    pieces = list(blocks([3, 1000], 8, 96))  # 24-byte columns, 4 per piece
    assert len(pieces) == 250 and all(p[1] == [3, 4] for p in pieces)
    pieces = list(blocks([1000, 3], 8, 96))  # long columns cut in 12s
    assert len(pieces) == 3 * math.ceil(1000 / 12)


# --- GPU -> R -----------------------------------------------------------------------------

def _from_device_cases():
    return [
        ("float32-3d", lambda d: torch.arange(210.0).reshape(5, 6, 7).to(d), "integer", torch.float64),
        ("float64-t", lambda d: torch.arange(200.0, dtype=torch.float64).reshape(10, 20).to(d).t(), "integer",
         torch.float64),
        ("float64-row-major", lambda d: torch.arange(200.0, dtype=torch.float64).reshape(20, 10).to(d), "integer",
         torch.float64),
        ("int64-2d", lambda d: torch.arange(-60, 60).reshape(8, 15).to(d), "integer", torch.int32),
        ("bool-expanded", lambda d: torch.tensor([True, False, True]).to(d).expand(40, 3), "integer", torch.int32),
        ("complex64-conj", lambda d: torch.complex(torch.arange(60.0), -torch.arange(60.0)).reshape(6, 10)
         .to(d).conj(), "integer", torch.float64),
        ("float32-vector", lambda d: torch.linspace(-1, 1, 1001).to(d), "integer", torch.float64),
        ("int64-bit64", lambda d: (torch.arange(90) * 2**40).reshape(3, 30).to(d), "bit64", torch.int64),
    ]


@pytest.mark.parametrize("name, make, int64, storage", _from_device_cases(), ids=[c[0] for c in _from_device_cases()])
def test_from_cuda_in_pieces(rmem, fake, chunk, name, make, int64, storage):
    t = make("cuda:0")
    expected = rmem.to_r(t.cpu(), int64)
    before = fake.live.get("cuda:0", 0)
    fake.clear()
    got = rmem.to_r(t, int64)
    assert rmem.canon(got.values) == rmem.canon(expected.values)
    assert got.data == expected.data  # every bit, R's NA and the junk around included
    d2h = fake.of_kind("d2h")
    assert fake.transfers == d2h and len(d2h) > 1
    assert {(tr.dtype, tr.staged) for tr in d2h} == {(storage, False)}  # each piece one plain copy
    assert all(tr.nbytes <= chunk for tr in d2h)
    assert sum(tr.nbytes for tr in d2h) == len(expected.data)  # each byte once
    assert fake.peak.get("cuda:0", 0) - before <= chunk


def test_a_tensor_in_r_layout_crosses_without_staging(rmem, fake, chunk):
    """A float64 tensor that is column-major already: nothing new on the device."""
    t = torch.arange(300.0, dtype=torch.float64).reshape(20, 15).to("cuda:0").t().contiguous().t()
    expected = rmem.to_r(t.cpu()).values
    before = fake.live["cuda:0"]
    fake.clear()
    assert rmem.to_r(t).values == expected
    assert fake.peak["cuda:0"] == before
    assert sum(tr.nbytes for tr in fake.transfers) == 300 * 8


def test_from_cuda_fits_where_a_whole_staging_copy_does_not(rmem, monkeypatch):
    """float32 -> R double needs 8 bytes per element on the device when staged
    whole; in pieces it fits beside the tensor."""
    fake = install(monkeypatch, budget=4000 + 4 * CHUNK)
    with fake:
        t = torch.arange(1000.0).to("cuda:0")  # 4000 bytes
        monkeypatch.setattr(_memory, "CHUNK_BYTES", 8000)
        with pytest.raises(torch.OutOfMemoryError, match="CUDA out of memory"):
            rmem.to_r(t)
        info = take_last_error()
        assert info["kind"] == "torch" and info["python"].startswith("OutOfMemoryError: CUDA out of memory")
        monkeypatch.setattr(_memory, "CHUNK_BYTES", CHUNK)
        assert rmem.to_r(t).values == [float(v) for v in range(1000)]


def test_scratch_results_from_cuda_in_pieces(rmem, fake, chunk):
    import ctypes

    t = torch.arange(100, dtype=torch.int32).reshape(10, 10).to("cuda:1")
    fake.clear()
    buf = (ctypes.c_uint8 * 4096)()
    tb.set_scratch(str(ctypes.addressof(buf)), "4096")
    try:
        rtype, n, _, _, in_scratch = plan_of(t)
    finally:
        tb.set_scratch("0", "0")
    assert len(fake.transfers) == math.ceil(400 / chunk)
    assert in_scratch and rtype == "integer"
    assert rmem.decode("integer", bytes(buf)[:400], 100) == t.cpu().t().reshape(-1).tolist()


# --- R -> GPU -----------------------------------------------------------------------------

R_CASES = [
    ("double", [0.5 * i for i in range(200)], [10, 20], "float32"),
    ("double", [0.5 * i if i % 7 else None for i in range(210)], [5, 6, 7], "float32"),
    ("double", [float(i) for i in range(150)], None, "float64"),
    ("integer", [i - 100 if i % 9 else None for i in range(300)], [30, 10], "float32"),
    ("integer", list(range(300)), [3, 100], "int64"),
    ("logical", [i % 3 == 0 for i in range(250)], None, "bool"),
    ("complex", [complex(i, -i) for i in range(60)], [6, 10], "complex64"),
    ("integer64", [i * 2**40 for i in range(40)], [4, 10], "int64"),
]


@pytest.mark.parametrize("rtype, values, dims, target", R_CASES,
                         ids=[f"{c[0]}-{c[3]}-{len(c[2] or [0])}d" for c in R_CASES])
def test_to_cuda_in_pieces(rmem, fake, chunk, rtype, values, dims, target):
    x = rmem.vector(rtype, values, dims)
    expected = x.from_r(dtype=target)
    before = fake.live.get("cuda:0", 0)
    fake.clear()
    t = x.from_r(dtype=target, device="cuda:0")
    transfers = list(fake.transfers)
    got = t.cpu()
    assert got.dtype == expected.dtype and got.shape == expected.shape and t.is_contiguous()
    assert torch.equal(got.view(-1).view(torch.uint8), expected.view(-1).view(torch.uint8))  # every bit
    h2d = [tr for tr in transfers if tr.shape != ()]  # not the 0-d NA constants
    assert {tr.kind for tr in h2d} == {"h2d"} and len(h2d) > 1
    assert all(not tr.staged and not tr.host_cast and tr.nbytes <= chunk for tr in h2d)
    assert sum(tr.nbytes for tr in h2d) == x.nbytes  # each byte of R's once
    out_bytes = t.numel() * t.element_size()
    # beside the result: one piece of R's bytes, and the checks' masks of it
    assert fake.peak["cuda:0"] - before <= out_bytes + 3 * chunk


def test_wider_r_data_fits_where_it_does_not_whole(rmem, monkeypatch):
    """Doubles to float32: the result is half the size of R's data, and the
    data crosses a piece at a time."""
    x = rmem.double([float(i) for i in range(1000)], [20, 50])  # 8000 bytes; the result 4000
    fake = install(monkeypatch, budget=4000 + 2 * CHUNK)
    with fake:
        monkeypatch.setattr(_memory, "CHUNK_BYTES", 10**6)
        with pytest.raises(torch.OutOfMemoryError):
            x.from_r(dtype="float32", device="cuda")
        take_last_error()
        monkeypatch.setattr(_memory, "CHUNK_BYTES", CHUNK)
        t = x.from_r(dtype="float32", device="cuda")
        assert fake.peak["cuda:0"] <= 4000 + CHUNK + 16  # and the check's min and max
        assert torch.equal(t.cpu(), x.from_r(dtype="float32"))


def test_an_error_in_a_late_piece_is_raised(rmem, fake, chunk):
    x = rmem.integer(list(range(299)) + [None])
    with pytest.raises(TorchbridgeError, match="NA"):
        x.from_r(dtype="int32", device="cuda")
    take_last_error()
    y = rmem.double([1.0] * 299 + [1e300])
    with pytest.raises(TorchbridgeError, match="outside its range"):
        y.from_r(dtype="float32", device="cuda")
    take_last_error()


def test_data_frame_columns_to_cuda_in_pieces(rmem, fake, chunk):
    cols = [rmem.double([i / 4 if i % 5 else None for i in range(100)]), rmem.integer(list(range(100))),
            rmem.logical([i % 2 == 0 for i in range(100)])]
    expected = tb.from_columns([c.address for c in cols], [c.rtype for c in cols], "100", dtype="float32")
    fake.clear()
    t = tb.from_columns([c.address for c in cols], [c.rtype for c in cols], "100", dtype="float32",
                        device="cuda:1")
    h2d = [tr for tr in fake.transfers if tr.shape != ()]
    assert {tr.kind for tr in h2d} == {"h2d"}
    assert all(tr.nbytes <= chunk and not tr.staged for tr in h2d)
    assert sum(tr.nbytes for tr in h2d) == sum(c.nbytes for c in cols)
    assert torch.equal(t.cpu().isnan(), expected.isnan())
    assert torch.equal(t.cpu().nan_to_num(), expected.nan_to_num())


# --- CUDA's memory, cache and queue ----------------------------------------------------------

def _patch_memory_stats(monkeypatch, fake):
    def memory_stats(dev=None):
        key = str(torch.device("cuda", 0 if dev is None else torch.device(dev).index or 0))
        return {"allocated_bytes.all.current": fake.live.get(key, 0),
                "reserved_bytes.all.current": fake.live.get(key, 0) + 2**20,
                "allocated_bytes.all.peak": fake.peak.get(key, 0)}

    monkeypatch.setattr(torch.cuda, "memory_stats", memory_stats)


def test_cuda_memory_stats(monkeypatch):
    fake = install(monkeypatch, total_memory=10**9)
    _patch_memory_stats(monkeypatch, fake)
    with fake:
        keep = torch.empty(1000, device="cuda:1")
        gone = torch.empty(500, device="cuda:1")
        del gone
        stats = tb.cuda_memory_stats("cuda:1")
        assert stats == {"device": "cuda:1", "allocated": 4000.0, "reserved": 4000.0 + 2**20, "peak": 6000.0,
                         "free": float(10**9 - 4000), "total": float(10**9)}
        assert tb.cuda_memory_stats()["device"] == "cuda:0"  # "cuda": the current device
        assert keep.numel() == 1000


def test_cuda_memory_stats_needs_a_cuda_device(monkeypatch):
    with pytest.raises(NoGPUError, match="CUDA is not available"):
        install(monkeypatch, cuda=0)
        tb.cuda_memory_stats()
    take_last_error()
    install(monkeypatch)
    with pytest.raises(DeviceError, match="must be a CUDA device"):
        tb.cuda_memory_stats("cpu")
    assert take_last_error()["kind"] == "device"
    with pytest.raises(NoGPUError, match="no such CUDA device"):
        tb.cuda_memory_stats("cuda:7")
    take_last_error()


def test_cuda_empty_cache_and_synchronize(monkeypatch):
    calls = []
    install(monkeypatch)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: calls.append("empty"))
    monkeypatch.setattr(torch.cuda, "synchronize", lambda dev=None: calls.append(str(dev)))
    assert tb.cuda_empty_cache() is True and tb.cuda_empty_cache(collect=True) is True
    assert tb.cuda_synchronize() is True and tb.cuda_synchronize("cuda:1") is True
    assert tb.cuda_synchronize("cpu") is False
    assert calls == ["empty", "empty", "cuda", "cuda:1"]
    with pytest.raises(DeviceError):
        tb.cuda_synchronize("gpu")  # a wrong name is still an error
    take_last_error()


def test_without_cuda_the_cache_and_queue_do_nothing(monkeypatch):
    install(monkeypatch, cuda=0, mps=False)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: pytest.fail("empty_cache() without CUDA"))
    monkeypatch.setattr(torch.cuda, "synchronize", lambda dev=None: pytest.fail("synchronize() without CUDA"))
    assert tb.cuda_empty_cache() is False
    assert tb.cuda_synchronize() is False and tb.cuda_synchronize("mps") is False


def test_freeing_and_trying_again_after_cuda_out_of_memory(rmem, monkeypatch):
    """What R does on a CUDA out-of-memory error: drop what holds the memory,
    empty the cache, try once more."""
    fake = install(monkeypatch, budget=13_000)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: None)
    x = rmem.double([1.0] * 1000)  # 8000 bytes cross, for a 4000-byte result
    with fake:
        held = [torch.empty(1000, device="cuda")]  # 4000 bytes an R variable still held
        with pytest.raises(torch.OutOfMemoryError):
            x.from_r(dtype="float32", device="cuda")
        info = take_last_error()
        assert info["kind"] == "torch" and "CUDA out of memory" in info["python"]
        held.clear()  # R's gc() releases its references
        assert tb.cuda_empty_cache(collect=True) is True
        assert fake.live["cuda:0"] == 0
        assert x.from_r(dtype="float32", device="cuda").sum().item() == 1000.0


def test_fill_keeps_the_plan_for_a_second_try_after_out_of_memory(rmem, monkeypatch):
    import ctypes

    fake = install(monkeypatch, budget=4000 + 100)
    with fake:
        t = torch.arange(1000.0).to("cuda:0")  # 4000 bytes; staged as doubles, 8000
        assert plan_of(t)[:2] == ("double", "1000")
        buf = (ctypes.c_double * 1000)()
        with pytest.raises(torch.OutOfMemoryError):
            tb.fill(str(ctypes.addressof(buf)))
        take_last_error()
        fake.budget = None  # memory freed
        tb.fill(str(ctypes.addressof(buf)))
        assert list(buf) == [float(v) for v in range(1000)]
        with pytest.raises(RuntimeError, match="without plan"):
            tb.fill(str(ctypes.addressof(buf)))  # done: the plan is gone
        take_last_error()


# --- work with many temporaries: round(), signif(), summary(), the histogram -------------


def _extra(fake, f, dev="cuda:0"):
    before = fake.live.get(dev, 0)
    fake.clear()
    out = f()
    return out, fake.peak[dev] - before


@pytest.mark.parametrize("op, digits", [("round", 2.0), ("round", -1.0), ("signif", 3.0)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64, torch.complex64])
def test_round_and_signif_work_a_piece_at_a_time(fake, monkeypatch, op, digits, dtype):
    g = torch.Generator().manual_seed(2)
    cpu = (torch.randn(20000, generator=g) * 1000).to(dtype)
    want = tb.math_op(op, cpu, digits)  # one piece: the whole tensor
    monkeypatch.setattr(_memory, "DEVICE_WORK_PIECE", 1000)
    x = cpu.to("cuda:0")
    got, extra = _extra(fake, lambda: tb.math_op(op, x, digits))
    assert got.device == x.device and got.dtype == want.dtype and torch.equal(got.cpu(), want)
    # the result, and a piece's temporaries (a dozen float64s of it), not ~30 times x
    assert extra <= got.numel() * got.element_size() + 40 * 1000 * 16


def test_round_and_signif_on_mps_give_what_r_s_doubles_give(fake):
    # float32 arithmetic would give NaN for the tiny values, 9e37 for signif(9.99e37, 1)
    x = torch.tensor([1.23e-35, 1e-40, 3.3e38, 1.7e36, 123.456, -2.5e-38, 9.99e37, 0.5, 2.5, -0.0])
    for op, digits in [("signif", 1.0), ("signif", 6.0), ("round", 10.0), ("round", 40.0), ("round", -37.0)]:
        want = tb.math_op(op, x.double(), digits).float()
        got = tb.math_op(op, x.to("mps"), digits)
        assert got.device.type == "mps" and torch.equal(got.cpu(), want), (op, digits)
        assert not bool(torch.isnan(got.cpu()).any())


def test_summary_takes_one_float64_copy_and_one_temporary(fake):
    x = (torch.arange(20000, dtype=torch.float32) / 7).to("cuda:0")
    x[5] = math.nan
    got, extra = _extra(fake, lambda: tb.summarize(x))
    want = tb.summarize(x.cpu())
    assert {k: got[k] for k in ("min", "max", "mean", "sd", "nan")} == \
        {k: want[k] for k in ("min", "max", "mean", "sd", "nan")}
    assert extra <= x.numel() * (8 + 8 + 1) + 64  # was 8 times x's float32 bytes


def test_the_histogram_counts_a_piece_at_a_time(fake, monkeypatch):
    g = torch.Generator().manual_seed(4)
    cpu = torch.randn(20000, generator=g)
    want = tb.plot_histogram(cpu, 30)
    monkeypatch.setattr(_memory, "DEVICE_WORK_PIECE", 1000)
    x = cpu.to("cuda:0")
    got, extra = _extra(fake, lambda: tb.plot_histogram(x, 30))
    assert torch.equal(got["counts"].cpu(), want["counts"]) and (got["lo"], got["hi"]) == (want["lo"], want["hi"])
    assert extra <= 30 * 8 + 1000 * (4 + 8) + 2 * x.numel() + 64  # bins, a piece, the finite test (bytes)


@pytest.mark.parametrize("src, target", [(torch.float64, torch.int32), (torch.float32, torch.bool),
                                         (torch.float64, torch.float32), (torch.complex128, torch.float64),
                                         (torch.complex64, torch.int64), (torch.float32, torch.float8_e4m3fn)])
def test_checked_casts_of_device_tensors_check_a_piece_at_a_time(fake, monkeypatch, src, target):
    from torchbridge._cast import checked_cast

    g = torch.Generator().manual_seed(8)
    cpu = torch.randint(-200, 200, (20000,), generator=g).to(src)
    cpu[-1] = math.inf if src in (torch.float64, torch.float32) and target == torch.float32 else cpu[-1]
    monkeypatch.setattr(_memory, "DEVICE_WORK_PIECE", 1000)
    x = cpu.to("cuda:0")
    got, extra = _extra(fake, lambda: checked_cast(x, target))
    assert got.device == x.device and got.dtype == target
    want = (cpu.real if cpu.is_complex() else cpu).to(target).contiguous()
    assert torch.equal(got.cpu().view(torch.uint8), want.view(torch.uint8))
    # the result, and a piece's masks and truncated values, not the tensor's
    assert extra <= got.numel() * got.element_size() + 1000 * (16 + 4) + 64
    bad = cpu.clone()
    bad[-3] = 0.5 if target != torch.float8_e4m3fn else 1e6  # found in the last piece
    with pytest.raises(TorchbridgeError):
        checked_cast(bad.to("cuda:0"), target if target not in (torch.float32, torch.float64, torch.bool)
                     else torch.int8)
    take_last_error()


@pytest.mark.parametrize("fun", [lambda a, b, s: tb.binary("+", a, b), lambda a, b, s: tb.binary("*", a, s),
                                 lambda a, b, s: tb.math_op("cumsum", b), lambda a, b, s: tb.summary("sum", [b, s]),
                                 lambda a, b, s: tb.summary("prod", [s])], ids=["+", "*", "cumsum", "sum", "prod"])
def test_integer_overflow_checks_work_a_piece_at_a_time(fake, monkeypatch, fun):
    g = torch.Generator().manual_seed(6)
    a = torch.randint(-(2**62), 2**62, (20000,), generator=g)
    a[0], a[1] = 2**63 - 10, -(2**63) + 10
    b = -a // 2  # the ranges allow a wrap, and so does a cumulative sum; no element wraps
    b[1::2] = -b[::2]
    s = a.sign()
    s[2:4] = 2
    want = fun(a, b, s)
    monkeypatch.setattr(_memory, "DEVICE_WORK_PIECE", 1000)
    a, b, s = a.to("cuda:0"), b.to("cuda:0"), s.to("cuda:0")
    got, extra = _extra(fake, lambda: fun(a, b, s))
    assert got.device == a.device and torch.equal(got.cpu(), want)
    # the result and a piece's temporaries, not float64 copies of both operands and the result
    assert extra <= got.numel() * got.element_size() + 8 * 1000 * 8 + 64


@pytest.mark.parametrize("fun", [lambda x: tb.quantiles(x, [0, 0.1, 0.25, 0.5, 0.9, 1], 7),
                                 lambda x: tb.quantiles(x, [0.3, 0.7], 1),
                                 lambda x: tb.median(x)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.int32])
def test_quantile_and_median_select_rather_than_sort_on_the_device(fake, fun, dtype):
    g = torch.Generator().manual_seed(5)
    cpu = (torch.randn(1 << 20, generator=g) * 1e4).to(dtype)
    want = fun(cpu)
    x = cpu.to("cuda:0")
    got, extra = _extra(fake, lambda: fun(x))
    assert got.device == x.device and got.dtype == want.dtype and torch.equal(got.cpu(), want)
    # two masks and the sorted sample, not a sorted copy with int64 indices (3 times x)
    assert extra <= x.numel() * x.element_size()


@pytest.mark.parametrize("rtype, values, target", [("double", [0.5, None, 2.0, -1.0] * 25, "float64"),
                                                   ("integer", list(range(100)), "int32"),
                                                   ("raw", list(range(100)), "uint8")])
def test_a_vector_already_in_its_dtype_is_the_transfer_itself(rmem, fake, rtype, values, target):
    x = rmem.vector(rtype, values)
    before = fake.live.get("cuda:0", 0)
    fake.clear()
    t = x.from_r(dtype=target, device="cuda:0")
    h2d = [tr for tr in fake.transfers if tr.shape != ()]
    assert len(h2d) == 1 and h2d[0].nbytes == x.nbytes
    assert fake.peak["cuda:0"] - before <= t.numel() * t.element_size() + 16  # once (and a min and max), not twice
    want = x.from_r(dtype=target)
    assert torch.equal(t.cpu().view(torch.uint8), want.view(torch.uint8)) and t.is_contiguous()


def test_an_integer_na_in_a_vector_sent_as_it_is_leaves_nothing_on_the_device(rmem, fake):
    x = rmem.integer([1, None, 3])
    before = fake.live.get("cuda:0", 0)
    with pytest.raises(TorchbridgeError, match="NA"):
        x.from_r(dtype="int32", device="cuda:0")
    take_last_error()
    assert fake.live.get("cuda:0", 0) == before
