"""Integer results that would wrap are overflow errors (``_overflow``)."""

from __future__ import annotations

import math
import re

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import NAError, ValueOverflowError, take_last_error

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def t(values, dtype):
    return torch.tensor(values, dtype=dtype)


@pytest.mark.parametrize(
    "op,a,b,dtype",
    [
        ("-", [0], 1, torch.uint8),
        ("+", [2**31 - 1], 1, torch.int32),
        ("*", [2**62], 4, torch.int64),
        ("+", [I64_MAX], 1, torch.int64),
        ("-", [I64_MIN], 1, torch.int64),
        ("*", [300], 300, torch.int16),
        ("+", [127], 1, torch.int8),
        ("%/%", [I64_MIN], -1, torch.int64),
        ("*", [2**32], 2**31, torch.int64),
    ],
)
def test_wrapping_binary_ops_are_overflow_errors(op, a, b, dtype):
    head = re.escape(f"Can't compute `{op}`: an integer result is outside the range of {str(dtype)[6:]}.")
    with pytest.raises(ValueOverflowError, match=f"^{head}"):
        tb.binary(op, t(a, dtype), b)
    assert tb.take_last_error()["kind"] == "overflow"


@pytest.mark.parametrize(
    "op,a,b,dtype,expected",
    [
        ("+", [I64_MAX - 1], 1, torch.int64, [I64_MAX]),
        ("-", [I64_MIN + 1], 1, torch.int64, [I64_MIN]),
        ("*", [-(2**31)], 2**32, torch.int64, [I64_MIN]),
        ("-", [5], 5, torch.uint8, [0]),
        ("*", [3037000499], 3037000499, torch.int64, [3037000499**2]),
        ("%/%", [I64_MIN], 1, torch.int64, [I64_MIN]),
        ("%%", [I64_MIN], -1, torch.int64, [0]),
    ],
)
def test_exact_integer_results_at_the_edges(op, a, b, dtype, expected):
    out = tb.binary(op, t(a, dtype), b)
    assert out.dtype == dtype and out.tolist() == expected


def test_tensor_tensor_integer_ops_are_checked():
    with pytest.raises(ValueOverflowError):
        tb.binary("+", t([I64_MAX, 1], torch.int64), t([1, 1], torch.int64))
    assert tb.binary("+", t([I64_MAX - 1, 1], torch.int64), t([1, 1], torch.int64)).tolist() == [I64_MAX, 2]


def test_float_results_are_not_checked():
    assert tb.binary("+", t([3.0e38], torch.float32), 3.0e38).tolist() == [float("inf")]


def test_unary_minus_and_abs():
    with pytest.raises(ValueOverflowError, match="`-`"):
        tb.unary("-", t([1], torch.uint8))
    assert tb.unary("-", t([0], torch.uint8)).tolist() == [0]
    with pytest.raises(ValueOverflowError, match="`-`"):
        tb.unary("-", t([I64_MIN], torch.int64))
    with pytest.raises(ValueOverflowError, match=r"`abs\(\)`"):
        tb.math_op("abs", t([I64_MIN], torch.int64))
    assert tb.math_op("abs", t([I64_MIN + 1], torch.int64)).tolist() == [I64_MAX]


def test_sum_prod_cumsum_cumprod():
    big = t([2**62, 2**62], torch.int64)
    with pytest.raises(ValueOverflowError, match=r"`sum\(\)`"):
        tb.summary("sum", [big])
    with pytest.raises(ValueOverflowError, match=r"`prod\(\)`"):
        tb.summary("prod", [t([2**32, 2**32], torch.int64)])  # torch gives 0
    with pytest.raises(ValueOverflowError, match=r"`cumsum\(\)`"):
        tb.math_op("cumsum", big)
    with pytest.raises(ValueOverflowError, match=r"`cumprod\(\)`"):
        tb.math_op("cumprod", t([2**40, 2**40], torch.int64))
    # in range: exact, also where the float64 reference rounds
    assert tb.summary("sum", [t([2**62, 2**62 - 1, -(2**62)], torch.int64)]).item() == 2**62 - 1
    assert tb.summary("prod", [t([3, 2**61], torch.int64)]).item() == 3 * 2**61
    assert tb.summary("sum", [t([I64_MAX], torch.int64), t([I64_MIN], torch.int64)]).item() == -1
    assert tb.summary("sum", [t([True] * 3, torch.bool)]).item() == 3


def test_round_and_signif_of_int64_refuse_results_beyond_the_range():
    with pytest.raises(ValueOverflowError):
        tb.math_op("signif", t([I64_MAX], torch.int64), 5)  # 9.2234e18 > int64 max
    assert tb.math_op("signif", t([123456], torch.int64), 2).tolist() == [120000]


def test_the_check_bites_when_disabled(monkeypatch):
    # Without the check torch wraps around: the tests above would fail.
    from torchbridge import _tensor_ops

    monkeypatch.setattr(_tensor_ops, "check_binary", lambda *a, **k: None)
    assert tb.binary("-", t([0], torch.uint8), 1).tolist() == [255]


# --- the exact checks: every pair of small integers, the edges of int64 -------------------


def _exact_or_none(op, a, b, dtype):
    lo, hi = (-(2 ** (dtype.itemsize * 8 - 1)), 2 ** (dtype.itemsize * 8 - 1) - 1) if dtype != torch.uint8 else (0, 255)
    v = {"+": a + b, "-": a - b, "*": a * b, "%/%": a // b if b else None}[op]
    return v if v is not None and lo <= v <= hi else None


@pytest.mark.parametrize("dtype", [torch.int8, torch.uint8])
@pytest.mark.parametrize("op", ["+", "-", "*", "%/%"])
def test_every_pair_of_small_integers_wraps_where_python_says(op, dtype):
    from torchbridge._overflow import _wrapped

    lo, hi = (-128, 127) if dtype == torch.int8 else (0, 255)
    vals = torch.arange(lo, hi + 1, dtype=torch.int64)
    a = vals.repeat_interleave(vals.numel()).to(dtype)
    b = vals.repeat(vals.numel()).to(dtype)
    if op == "%/%":
        keep = b != 0
        a, b = a[keep], b[keep]
    if op == "%/%" and dtype == torch.uint8:
        return  # unsigned floor division never wraps (and is not checked)
    r = {"+": torch.add, "-": torch.sub, "*": torch.mul, "%/%": lambda x, y: torch.div(x, y, rounding_mode="floor")}[op](a, b)
    got = _wrapped(op, r, a, b)
    want = torch.tensor([_exact_or_none(op, x, y, dtype) is None for x, y in zip(a.tolist(), b.tolist())])
    assert torch.equal(got, want)


def test_int64_products_near_the_edges_are_told_apart_exactly():
    from torchbridge._overflow import _wrapped

    g = torch.Generator().manual_seed(7)
    edges = [0, 1, -1, 2, -2, 3, I64_MAX, I64_MIN, I64_MIN + 1, 2**31, -(2**31), 2**32, 3037000499,
             3037000500, -3037000500, 2**62, -(2**62), 4611686018427387903]
    rand = (torch.randint(-(2**62), 2**62, (200,), generator=g) >> torch.randint(0, 62, (200,), generator=g)).tolist()
    vals = edges + rand
    a = torch.tensor([x for x in vals for _ in vals], dtype=torch.int64)
    b = torch.tensor([y for _ in vals for y in vals], dtype=torch.int64)
    for op in ("*", "+", "-"):
        r = {"+": torch.add, "-": torch.sub, "*": torch.mul}[op](a, b)
        want = [_exact_or_none(op, x, y, torch.int64) is None for x, y in zip(a.tolist(), b.tolist())]
        assert _wrapped(op, r, a, b).tolist() == want, op


def test_a_wrap_in_a_late_piece_is_found_and_its_true_value_shown(monkeypatch):
    from torchbridge import _memory

    monkeypatch.setattr(_memory, "WORK_PIECE", 64)
    x = torch.zeros(40, 30, dtype=torch.int32)
    x[37, 11] = 2**31 - 5
    with pytest.raises(ValueOverflowError) as e:
        tb.binary("+", x, torch.arange(30, dtype=torch.int32))  # broadcast over the rows
    assert e.value.bullets[-2][1].startswith(f"A result is {2**31 - 5 + 11};")
    assert e.value.data["value"] == 2**31 - 5 + 11
    take_last_error()
    y = torch.full((40, 30), 3, dtype=torch.int64)
    y[39, 29] = 2**62
    with pytest.raises(ValueOverflowError, match=re.escape(f"A result is {3 * 2**62};")):
        tb.binary("*", y, 3)
    take_last_error()


def test_cumsum_and_cumprod_find_the_first_step_that_wraps(monkeypatch):
    from torchbridge import _memory

    monkeypatch.setattr(_memory, "WORK_PIECE", 16)
    x = torch.ones(100, dtype=torch.int64)
    x[70] = I64_MAX - 60  # the sum so far is 70: 70 + MAX - 60 wraps
    with pytest.raises(ValueOverflowError, match=re.escape(f"A result is {I64_MAX + 10};")):
        tb.math_op("cumsum", x)
    take_last_error()
    x[70] = I64_MAX - 70  # exactly MAX; the next step wraps
    with pytest.raises(ValueOverflowError, match=re.escape(f"A result is {I64_MAX + 1};")):
        tb.math_op("cumsum", x)
    take_last_error()
    x[71:] = 0
    x[72:] = -1
    assert tb.math_op("cumsum", x)[-1].item() == I64_MAX - 28
    p = torch.tensor([-1] * 30 + [2] * 62 + [-2, -1], dtype=torch.int64)  # -2^63 exactly, then -1 wraps
    with pytest.raises(ValueOverflowError, match=re.escape(f"A result is {2**63};")):
        tb.math_op("cumprod", p)
    take_last_error()
    assert tb.math_op("cumprod", p[:-1])[-1].item() == I64_MIN
    m = torch.tensor([[1, 2], [3, 4]], dtype=torch.int32)  # column-major, as R: 1, 3, 2, 4
    assert tb.math_op("cumsum", m).tolist() == [1, 4, 6, 10]


def test_sum_and_prod_are_exact_beyond_float64(monkeypatch):
    from torchbridge import _memory

    monkeypatch.setattr(_memory, "WORK_PIECE", 8)
    big = torch.tensor([I64_MAX, I64_MAX, -1, I64_MIN, I64_MIN, 3, 2] * 5, dtype=torch.int64)
    assert tb.summary("sum", [big, torch.tensor(-30, dtype=torch.int64)]).item() == -20  # 5 * (-2 + 4) - 30
    with pytest.raises(ValueOverflowError, match=re.escape(f"A result is {I64_MAX + 1};")):
        tb.summary("sum", [torch.tensor([I64_MAX - 1, 1, 1, -2] + [0] * 30, dtype=torch.int64), torch.tensor([2])])
    take_last_error()
    # a running sum beyond the range that ends inside it is the exact total, as in R
    assert tb.summary("sum", [torch.tensor([I64_MAX - 1, 1, 1, -5] + [0] * 30, dtype=torch.int64),
                              torch.tensor([2])]).item() == I64_MAX - 2
    ones = torch.tensor([-1] * 41 + [2] * 62 + [-1], dtype=torch.int64)  # 42 minus signs: +2^62
    assert tb.summary("prod", [ones]).item() == 2**62
    ones[-1] = -2  # +2^63: does not fit
    with pytest.raises(ValueOverflowError, match=re.escape(f"A result is {2**63};")):
        tb.summary("prod", [ones])
    take_last_error()
    ones[0] = 1  # -2^63: fits
    assert tb.summary("prod", [ones]).item() == I64_MIN
    many = torch.full((500,), 3, dtype=torch.int64)
    with pytest.raises(ValueOverflowError, match=re.escape("A result is at least 2^500 in size;")):
        tb.summary("prod", [many])
    take_last_error()
    many[250] = 0
    assert tb.summary("prod", [many]).item() == 0
    flags = torch.ones(3000, dtype=torch.bool)
    assert tb.summary("sum", [flags, torch.tensor([True, False])]).item() == 3001
    assert tb.summary("prod", [torch.tensor([255] * 7, dtype=torch.uint8)]).item() == 255**7


def test_a_zero_d_value_beyond_the_result_dtype_is_refused():
    # torch would cast 1000 to int8 first (-24), then add
    with pytest.raises(ValueOverflowError, match="The value 1000 can't be a int8"):
        tb.binary("+", torch.tensor([-100], dtype=torch.int8), torch.tensor(1000))
    take_last_error()
    assert tb.binary("+", torch.tensor([-100], dtype=torch.int8), torch.tensor(100)).tolist() == [0]


def test_the_range_shortcut_reads_nothing_more(monkeypatch):
    from torchbridge import _overflow

    def boom(*a, **k):
        raise AssertionError("element-wise check ran")
    monkeypatch.setattr(_overflow, "_wrapped", boom)
    x = torch.arange(-1000, 1000, dtype=torch.int32).reshape(40, 50)
    assert tb.binary("*", x, x).dtype == torch.int32
    assert tb.binary("-", x, 2**20).dtype == torch.int32
    assert tb.math_op("cumsum", x).dtype == torch.int64
    with pytest.raises(AssertionError, match="element-wise"):
        tb.binary("*", x, 2**22)  # 1000 * 2^22 may wrap: checked element by element


# --- against Python's exact integers: random dtypes, shapes, values at the edges ----------

_DTYPES = [torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool]


def _range(dt):
    if dt == torch.bool:
        return 0, 1
    info = torch.iinfo(dt)
    return info.min, info.max


def _random_tensor(rnd, dt, shape):
    lo, hi = _range(dt)
    n = math.prod(shape)
    vals = [rnd.choice([lo, hi, lo + 1, hi - 1, 0, 1, -1 if lo < 0 else 0]) if rnd.random() < 0.3 else
            rnd.randint(lo, hi) if rnd.random() < 0.5 else rnd.randint(max(lo, -50), min(hi, 50)) for _ in range(n)]
    t = torch.tensor(vals, dtype=torch.int64).to(dt).reshape(shape)
    return t.t().contiguous().t() if t.dim() == 2 and rnd.random() < 0.3 else t  # column-major too


def _outcome(f, *args):
    try:
        return f(*args)
    except ValueOverflowError:
        take_last_error()
        return "overflow"
    except NAError:
        take_last_error()
        return "na"


@pytest.mark.parametrize("piece", [7, 1 << 18])
def test_integer_ops_agree_with_python_integers(monkeypatch, piece):
    """Each result is Python's exact one, or an overflow error exactly when
    that is outside the result's dtype (0-d operands the dtype can't hold
    are refused; a zero divisor is NA), in pieces of 7 and whole."""
    import random

    from torchbridge import _memory

    monkeypatch.setattr(_memory, "WORK_PIECE", piece)
    rnd = random.Random(11)
    for _ in range(800):
        op = rnd.choice(["+", "-", "*", "%/%", "%%"])
        sa = rnd.choice([(5,), (3, 4), (1, 4), (3, 1), ()])
        sb = rnd.choice([(5,), (1,), ()]) if sa == (5,) else rnd.choice([(4,), (3, 4), (1,), ()])
        a, b = _random_tensor(rnd, rnd.choice(_DTYPES), sa), _random_tensor(rnd, rnd.choice(_DTYPES), sb)
        ai, bi = (v.to(torch.int64) if v.dtype == torch.bool else v for v in (a, b))
        lo, hi = _range(torch.result_type(ai, bi))
        shape = torch.broadcast_shapes(a.shape, b.shape)
        xs, ys = (v.to(torch.int64).broadcast_to(shape).reshape(-1).tolist() for v in (ai, bi))
        unfit = any(v.dim() == 0 and not lo <= int(v) <= hi for v in (ai, bi))
        if op in ("%/%", "%%") and 0 in ys:
            want = "na"
        elif unfit:
            want = "overflow"
        else:
            fun = {"+": lambda p, q: p + q, "-": lambda p, q: p - q, "*": lambda p, q: p * q,
                   "%/%": lambda p, q: p // q, "%%": lambda p, q: p % q}[op]
            exact = [fun(p, q) for p, q in zip(xs, ys)]
            want = "overflow" if any(not lo <= v <= hi for v in exact) else exact
        got = _outcome(lambda o, p, q: tb.binary(o, p, q).reshape(-1).tolist(), op, a, b)
        assert got == want or (unfit and got == "overflow"), (op, a, b)


@pytest.mark.parametrize("piece", [5, 1 << 18])
def test_sums_products_and_cumulative_ones_agree_with_python_integers(monkeypatch, piece):
    import random

    from torchbridge import _memory

    monkeypatch.setattr(_memory, "WORK_PIECE", piece)
    rnd = random.Random(12)
    lo, hi = _range(torch.int64)
    for _ in range(400):
        dt = rnd.choice(_DTYPES)
        ts = [_random_tensor(rnd, dt, rnd.choice([(9,), (3, 5), (2, 2, 3)])) for _ in range(rnd.choice([1, 2]))]
        op = rnd.choice(["sum", "prod"])
        values = [v for t in ts for v in t.to(torch.int64).reshape(-1).tolist()]
        total = sum(values) if op == "sum" else math.prod(values)
        assert _outcome(lambda o, v: int(tb.summary(o, v)), op, ts) == (total if lo <= total <= hi else "overflow")
        t, cop = ts[0], rnd.choice(["cumsum", "cumprod"])
        flat = t.to(torch.int64).permute(*reversed(range(t.dim()))).reshape(-1).tolist()  # R's order
        acc, steps = (0 if cop == "cumsum" else 1), []
        for v in flat:
            acc = acc + v if cop == "cumsum" else acc * v
            steps.append(acc)
        want = steps if all(lo <= v <= hi for v in steps) else "overflow"
        assert _outcome(lambda o, v: tb.math_op(o, v).tolist(), cop, t) == want, (cop, t)


def test_comparisons_with_a_zero_d_value_beyond_the_dtype_are_made_in_a_dtype_that_holds_it():
    x = torch.tensor([-24, 100], dtype=torch.int8)
    big = torch.tensor(1000)  # torch alone casts it to int8 first: -24
    assert tb.binary("==", x, big).tolist() == [False, False]
    assert tb.binary("<", x, big).tolist() == [True, True]
    assert tb.binary(">", big, x).tolist() == [True, True]
    assert tb.binary("&", x, torch.tensor(256)).tolist() == [True, True]  # 256 as int8 is 0
    assert tb.binary("==", x, torch.tensor(-24)).tolist() == [True, False]
