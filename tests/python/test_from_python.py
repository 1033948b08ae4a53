"""_from_python: Python containers, scalars and array-likes on their way to R."""

import collections

import numpy as np
import pytest
import torch

import torchbridge as tb
from torchbridge._errors import InputTypeError, TorchbridgeError
from torchbridge._from_python import array_tensor


# --- containers ---------------------------------------------------------------


def test_unpack_list_and_tuple_of_tensors():
    a, b = torch.zeros(1), torch.ones(2)
    kind, names, items, note = tb.unpack([a, b])
    assert (kind, names, note) == ("list", None, None)
    assert items[0] is a and items[1] is b
    kind, names, items, note = tb.unpack((a, [b]))
    assert (kind, names) == ("list", None) and items[0] is a and items[1] == [b]
    assert tb.unpack([]) == ("list", None, [], None)


def test_unpack_dict_keys_become_names_in_order():
    a, b = torch.zeros(1), torch.ones(1)
    kind, names, items, _ = tb.unpack({"w": a, 1: b})
    assert (kind, names) == ("named", ["w", "1"])
    assert items[0] is a and items[1] is b
    od = collections.OrderedDict([("z", a), ("a", b)])
    assert tb.unpack(od)[1] == ["z", "a"]


def test_unpack_torch_max_named_tuple(rmem):
    x = torch.tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    kind, names, items, _ = tb.unpack(torch.max(x, dim=1))
    assert (kind, names) == ("named", ["values", "indices"])
    assert rmem.to_r(items[0]).values == [5.0, 7.0]
    assert rmem.to_r(items[1]).values == [1, 0]  # torch's 0-based indices, never shifted


def test_unpack_namedtuple_of_mixed_values():
    Pair = collections.namedtuple("Pair", ["mean", "sd"])
    assert tb.unpack(Pair(1, "a")) == ("named", ["mean", "sd"], [1, "a"], None)


# --- lists of plain scalars become one vector ----------------------------------


@pytest.mark.parametrize(
    "x, values",
    [([0.9, 0.7], [0.9, 0.7]), ((1, 2, 3), [1, 2, 3]), ([True, False], [True, False]),
     ([2**31 - 1, -(2**31) + 1], [2**31 - 1, -(2**31) + 1]), (torch.Size([2, 3]), [2, 3]),
     (["a", "b"], ["a", "b"])],
)
def test_unpack_plain_lists_go_to_reticulate_whole(x, values):
    # reticulate turns such lists into R vectors exactly, in C
    kind, names, items, note = tb.unpack(x)
    assert (kind, names, note) == ("plain", None, None)
    assert items[0] == values and type(items[0]) is list


@pytest.mark.parametrize(
    "x, dtype, values, note",
    [
        ([1, 2.5], torch.float64, [1.0, 2.5], None),
        ([-(2**31), 0], torch.int64, [-(2**31), 0], "int64"),  # -2^31 would be NA_integer_
        ([2**40, 1], torch.int64, [2**40, 1], "int64"),
        ([1j, 2], torch.complex128, [1j, 2 + 0j], None),
        ([np.float64(0.5), 1.5], torch.float64, [0.5, 1.5], None),  # a float subclass
    ],
)
def test_unpack_numbers_become_one_tensor(x, dtype, values, note):
    kind, names, items, got_note = tb.unpack(x)
    assert (kind, names, got_note) == ("vector", None, note)
    assert items[0].dtype == dtype and items[0].tolist() == values


def test_unpack_ints_beyond_int64_become_doubles_with_a_note():
    kind, _, items, note = tb.unpack([2**70, 1])
    assert (kind, note) == ("vector", "rounded")
    assert items[0].dtype == torch.float64 and items[0].tolist() == [2.0**70, 1.0]


def test_unpack_string_subclasses_become_plain_strings():
    kind, _, items, _ = tb.unpack([np.str_("a"), "b"])
    assert (kind, items) == ("plain", [["a", "b"]]) and type(items[0][0]) is str


@pytest.mark.parametrize("x", [[1, "a"], [True, 1], [1.0, None], [torch.zeros(1), 1.0], [[1.0], [2.0]]])
def test_unpack_mixed_lists_stay_lists(x):
    kind, _, items, _ = tb.unpack(x)
    assert kind == "list" and items == list(x) or all(a is b for a, b in zip(items, x))


@pytest.mark.parametrize(
    "x, item",
    [(3, 3), (2**31 - 1, 2**31 - 1), (-(2**31) + 1, -(2**31) + 1), (True, True), (1.5, 1.5),
     (None, None), ("a", "a"), (1j, 1j)],
)
def test_unpack_scalars(x, item):
    kind, names, items, note = tb.unpack(x)
    assert (kind, names, items, note) == ("scalar", None, [item], None)
    assert type(items[0]) is type(item)


@pytest.mark.parametrize("x, note", [(2**31, None), (-(2**31), None), (2**40, None), (2**60, "rounded")])
def test_unpack_large_ints_become_doubles(x, note):
    # reticulate would wrap them; -2^31 would be NA_integer_
    assert tb.unpack(x) == ("scalar", None, [float(x)], note)
    assert type(tb.unpack(x)[2][0]) is float


def test_unpack_numpy_str_is_a_plain_string():
    kind, _, items, _ = tb.unpack(np.str_("abc"))
    assert (kind, items) == ("scalar", ["abc"]) and type(items[0]) is str


# --- modules -------------------------------------------------------------------------


def test_unpack_module_gives_its_state_dict():
    m = torch.nn.Linear(2, 1)
    kind, names, items, note = tb.unpack(m)
    assert (kind, names, note) == ("module", ["weight", "bias"], "Linear")
    assert torch.equal(items[0], m.weight.detach())
    assert tb.unpack(m, modules=False) == ("object", None, [m], None)


# --- what can't be converted names its path --------------------------------------


@pytest.mark.parametrize(
    "x, what, hint",
    [
        ({1, 2}, "a Python set", "Make it a list in Python first (`sorted(s)` or `list(s)`): sets have no order."),
        ((i for i in range(3)), "a Python generator (an iterator)", "Make it a list in Python first (`list(g)`)."),
        (object(), "a Python object", None),
        (b"raw", "a Python bytes", None),
    ],
)
def test_unpack_refuses_other_objects_naming_the_path(x, what, hint):
    with pytest.raises(InputTypeError) as ei:
        tb.unpack(x, "x$history[[3]]")
    assert ei.value.message == f"x$history[[3]]: {what} can't be converted to R."
    if hint:
        assert ei.value.bullets == [("i", hint)]


# --- NumPy arrays ----------------------------------------------------------------------

NUMERIC = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"]


@pytest.mark.parametrize("dtype", NUMERIC)
def test_numpy_arrays_of_every_numeric_dtype_view_their_memory(dtype):
    a = np.arange(6).reshape(2, 3).astype(dtype)
    kind, _, items, _ = tb.unpack(a)
    t = items[0]
    assert kind == "tensor"
    assert t.shape == (2, 3) and str(t.dtype) == f"torch.{dtype}"
    assert t.tolist() == a.tolist()
    assert t.data_ptr() == a.ctypes.data  # no copy


@pytest.mark.parametrize(
    "make",
    [
        lambda a: np.asfortranarray(a),
        lambda a: a[:, ::2],
        lambda a: a[::-1, :],
        lambda a: a.T,
        lambda a: a.astype(">f8"),
        lambda a: a.astype(">i4"),
        lambda a: np.broadcast_to(a[:1], (3, 4)),
    ],
    ids=["fortran", "strided", "negative-stride", "transposed", "big-endian-f8", "big-endian-i4", "broadcast"],
)
def test_numpy_layouts_keep_their_values(make):
    a = make(np.arange(12.0).reshape(3, 4))
    t = array_tensor(a)
    assert t.shape == a.shape
    assert t.tolist() == a.tolist()


def test_read_only_numpy_array_converts_without_a_warning():
    a = np.arange(4.0)
    a.flags.writeable = False
    t = array_tensor(a)  # pytest turns warnings into errors
    assert t.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_numpy_scalar_is_a_0d_tensor():
    t = array_tensor(np.float32(1.5))
    assert t.shape == () and t.dtype == torch.float32 and t.item() == 1.5
    assert tb.unpack(np.int64(7))[0] == "tensor"


@pytest.mark.parametrize(
    "a, what",
    [
        (np.array(["a", "b"]), "string"),
        (np.array([b"a"]), "bytes"),
        (np.array([1, "a"], dtype=object), "object"),
        (np.zeros(2, dtype=[("x", "f8"), ("y", "i4")]), "structured"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "datetime64"),
        (np.zeros(2, dtype=np.longdouble), "float128"),
    ],
)
def test_numpy_arrays_r_has_no_type_for_are_refused_with_a_hint(a, what):
    if what == "float128" and np.dtype(np.longdouble).itemsize == 8:
        pytest.skip("long double is float64 on this platform")
    with pytest.raises(InputTypeError) as ei:
        tb.unpack(a, "x$a")
    assert ei.value.message == f"x$a: a NumPy array of dtype {what} can't be converted."
    assert ei.value.bullets[1][0] == "i"


# --- other array-likes ----------------------------------------------------------------


class DLPackOnly:
    """An array that only speaks DLPack (as JAX and CuPy arrays do)."""

    def __init__(self, t):
        self._t = t

    def __dlpack__(self, **kwargs):
        return self._t.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._t.__dlpack_device__()


class ArrayOnly:
    """An object that only has ``__array__`` (as TensorFlow's eager tensors)."""

    def __array__(self, dtype=None, copy=None):
        return np.array([[1, 2], [3, 4]], dtype=np.int16)


def test_dlpack_objects_share_memory():
    src = torch.arange(6.0).reshape(2, 3)
    t = array_tensor(DLPackOnly(src))
    assert t.data_ptr() == src.data_ptr() and t.tolist() == src.tolist()


def test_array_interface_objects_convert():
    t = array_tensor(ArrayOnly())
    assert t.dtype == torch.int16 and t.tolist() == [[1, 2], [3, 4]]


class BrokenDLPack:
    def __dlpack__(self, **kwargs):
        raise BufferError("cannot export")

    def __dlpack_device__(self):
        return (1, 0)


def test_dlpack_failure_is_a_classed_error():
    with pytest.raises(InputTypeError) as ei:
        array_tensor(BrokenDLPack(), "x$w")
    assert ei.value.message.startswith("x$w: a ") and "can't be converted" in ei.value.message
    assert ei.value.bullets[0] == ("x", "BufferError: cannot export")


# --- as_torch() of array-likes ------------------------------------------------------------


def test_from_python_keeps_the_dtype_and_copies_by_default():
    a = np.arange(4, dtype=np.int16)
    t = tb.from_python(a)
    assert t.dtype == torch.int16 and t.tolist() == [0, 1, 2, 3]
    t.add_(1)
    assert a.tolist() == [0, 1, 2, 3]  # the array is never changed


def test_from_python_copy_false_shares_memory():
    a = np.arange(4.0)
    t = tb.from_python(a, copy=False)
    t.add_(1)
    assert a.tolist() == [1.0, 2.0, 3.0, 4.0]


def test_from_python_copy_true_owns_contiguous_memory_for_fortran_arrays():
    a = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    t = tb.from_python(a)
    assert t.is_contiguous() and t.data_ptr() != a.ctypes.data and t.tolist() == a.tolist()


def test_from_python_casts_with_the_checked_cast():
    assert tb.from_python(np.arange(3.0), dtype="float32").dtype == torch.float32
    with pytest.raises(TorchbridgeError) as ei:
        tb.from_python(np.array([300.0]), dtype="uint8")
    assert ei.value.kind == "overflow"
    with pytest.raises(TorchbridgeError) as ei:
        tb.from_python(np.array([np.nan]), dtype="int32")
    assert ei.value.kind == "na"


def test_from_python_requires_grad():
    t = tb.from_python(np.arange(3.0), requires_grad=True)
    assert t.requires_grad and t.is_leaf
    with pytest.raises(TorchbridgeError) as ei:
        tb.from_python(np.arange(3), requires_grad=True)
    assert ei.value.kind == "dtype"


@pytest.mark.parametrize("x", [[1.0, 2.0], 3.0, "a", None, {1: 2}])
def test_from_python_refuses_non_arrays(x):
    with pytest.raises(InputTypeError) as ei:
        tb.from_python(x)
    assert ei.value.message.startswith("Can't convert a Python ")


class StringDLPack:
    """A foreign array of strings whose __dlpack__ must never be called
    (TensorFlow aborts the process there)."""

    class dtype:
        name = "string"

    def __dlpack__(self, **kwargs):
        raise AssertionError("__dlpack__ was called")

    def __dlpack_device__(self):
        return (1, 0)


def test_foreign_arrays_of_non_numeric_dtypes_are_refused_before_dlpack():
    with pytest.raises(InputTypeError) as ei:
        array_tensor(StringDLPack(), "x$tags")
    assert ei.value.message == "x$tags: a test_from_python.StringDLPack of dtype string can't be converted."


def _self_list():
    loop = [1.0]
    loop.append(loop)
    return loop


@pytest.mark.parametrize(
    "x, kind",
    [([0.5, 1.5], "double"), ((True, False), "logical"), (["a", "b"], "character"), ([1j, 2j], "complex"),
     ([1, -5, 2**31 - 1], "integer"), ([-(2**31)], ""), ([2**31], ""), ([], ""), ([1.0, None], ""),
     ([1.0, [2.0]], ""), (["a", 1], ""), ([1, 2.5], "integer"), ([True, 1.5], "logical"), (_self_list(), ""),
     ({"a": 1}, ""), (collections.namedtuple("P", "a b")(1.5, 2.5), ""), (torch.Size([2, 3]), "")],
)
def test_plain_kind_only_for_lists_reticulate_converts_exactly(x, kind):
    # ([1, 2.5] and [True, 1.5] pass: reticulate sees two scalar types and
    # keeps a list, which R then hands to unpack())
    assert tb.plain_kind(x) == kind
