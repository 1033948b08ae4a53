"""_chunks: tb.r reads and assigns R variables through R's callbacks."""

import pytest
import torch

import torchbridge as tb
from torchbridge import _chunks
from torchbridge._errors import ArgError, InputTypeError, NAError, TorchbridgeError


@pytest.fixture
def fake_r(monkeypatch):
    """R's side, played by a dict of variables; records every call."""
    state = {"vars": {"b": torch.tensor([1.0, 2.0])}, "calls": []}

    def get(name, dtype, device):
        state["calls"].append(("get", name, dtype, device))
        if name == "na_int":
            return ["error", "na", "Can't convert NA to int32.", [["x", "Element 2 is NA."]]]
        if name not in state["vars"]:
            return ["error", "missing", f"Can't find the R variable `{name}`.", [["i", "tb.r reads ..."]]]
        t = state["vars"][name]
        return ["ok", t if dtype is None else t.to(getattr(torch, dtype))]

    def assign(name, value):
        state["calls"].append(("assign", name, value))
        if isinstance(value, set):
            return ["error", "type", "A Python set can't be converted to R.", []]
        state["vars"][name] = value
        return ["ok", None]

    monkeypatch.setitem(_chunks._callbacks, "get", get)
    monkeypatch.setitem(_chunks._callbacks, "assign", assign)
    return state


def test_get_by_attribute_item_and_get(fake_r):
    assert tb.r.b is fake_r["vars"]["b"]
    assert tb.r["b"] is fake_r["vars"]["b"]
    got = tb.r.get("b", dtype="float64", device="cpu")
    assert got.dtype == torch.float64 and got.tolist() == [1.0, 2.0]
    assert fake_r["calls"] == [("get", "b", None, None), ("get", "b", None, None), ("get", "b", "float64", "cpu")]


def test_assign_by_attribute_and_item(fake_r):
    t = torch.arange(3)
    tb.r.result = t
    tb.r["other.name"] = {"a": t}
    assert fake_r["vars"]["result"] is t and fake_r["vars"]["other.name"] == {"a": t}
    assert [c[:2] for c in fake_r["calls"]] == [("assign", "result"), ("assign", "other.name")]


def test_r_errors_raise_the_matching_exception_with_the_same_words(fake_r):
    with pytest.raises(NAError) as e:
        tb.r.na_int
    assert str(e.value) == "Can't convert NA to int32.\nx: Element 2 is NA."
    assert e.value.bullets == [("x", "Element 2 is NA.")]
    with pytest.raises(InputTypeError, match="A Python set can't be converted to R."):
        tb.r.s = {1, 2}
    assert "s" not in fake_r["vars"]


def test_a_missing_variable_is_an_attribute_and_key_error(fake_r):
    with pytest.raises(_chunks.RVariableError) as e:
        tb.r.nope
    assert isinstance(e.value, AttributeError) and isinstance(e.value, KeyError)
    assert isinstance(e.value, ArgError) and isinstance(e.value, TorchbridgeError)
    assert str(e.value).startswith("Can't find the R variable `nope`.")
    assert not hasattr(tb.r, "nope")
    assert getattr(tb.r, "nope", 42) == 42
    with pytest.raises(KeyError):
        tb.r["nope"]


@pytest.mark.parametrize("name", ["b", "x.train", ".y", "a_1", ".", "..", "\u00e9t\u00e9", "TRUE_"])
def test_syntactic_names_pass(name):
    assert _chunks.check_r_name(name) == name


@pytest.mark.parametrize("name", ["", "my var", "1a", "_a", ".1a", "if", "TRUE", "NA_real_", "...", "..2", "a-b", "a\0b"])
def test_names_that_are_not_syntactic_r_names_are_refused_before_r_is_asked(fake_r, name):
    with pytest.raises(ArgError, match="is not a syntactic R name"):
        tb.r[name]
    with pytest.raises(ArgError, match="is not a syntactic R name"):
        tb.r[name] = torch.ones(1)
    assert fake_r["calls"] == []


def test_a_name_must_be_a_string(fake_r):
    with pytest.raises(ArgError, match="must be a string"):
        tb.r[3]
    with pytest.raises(ArgError, match="must be a string"):
        tb.r.get(None)


def test_python_protocols_are_not_r_variables(fake_r):
    import copy
    assert copy.copy(tb.r) is not None
    assert not hasattr(tb.r, "__array__")
    assert fake_r["calls"] == []
    assert "tb.r.name" in repr(tb.r)


def test_without_r_tb_r_says_so(monkeypatch):
    monkeypatch.setitem(_chunks._callbacks, "get", None)
    monkeypatch.setitem(_chunks._callbacks, "assign", None)
    with pytest.raises(_chunks.RUnavailableError, match="only in a Python that torchbridge started from R"):
        tb.r.b
    with pytest.raises(_chunks.RUnavailableError):
        tb.r.b = 1


def test_an_unknown_kind_still_raises_a_torchbridge_error(fake_r, monkeypatch):
    monkeypatch.setitem(_chunks._callbacks, "get", lambda *a: ["error", "stale", "Can't use a tensor from an earlier R session.", []])
    with pytest.raises(TorchbridgeError) as e:
        tb.r.b
    assert e.value.kind == "stale"


def test_names_that_are_not_r_names_are_attribute_errors_so_probes_get_false(fake_r):
    assert not hasattr(tb.r, "_repr_html_")
    assert getattr(tb.r, "_x", 5) == 5
    with pytest.raises(_chunks.RNameError):
        tb.r["my var"]
    assert fake_r["calls"] == []


def test_iteration_and_in_are_type_errors(fake_r):
    with pytest.raises(TypeError, match="can't be iterated"):
        list(tb.r)
    with pytest.raises(TypeError, match="has no `in`"):
        "b" in tb.r


def test_other_threads_get_an_error_not_a_crash(fake_r):
    import threading
    seen = []

    def reader():
        try:
            tb.r.b
        except Exception as e:  # noqa: BLE001
            seen.append(e)

    thread = threading.Thread(target=reader)
    thread.start()
    thread.join()
    assert len(seen) == 1 and isinstance(seen[0], _chunks.RUnavailableError)
    assert "main thread" in str(seen[0])
    assert fake_r["calls"] == []
