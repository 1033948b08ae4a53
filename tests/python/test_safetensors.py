"""_safetensors: the header read alone, tensors read and written."""

import json
import os
import struct

import pytest
import torch

import torchbridge as tb
from torchbridge._errors import ArgError, FileError

safetensors_torch = pytest.importorskip("safetensors.torch")


def write_python(path, tensors, metadata=None):
    safetensors_torch.save_file(tensors, str(path), metadata=metadata)


def test_load_reads_what_python_wrote(tmp_path):
    path = tmp_path / "m.safetensors"
    tensors = {"w": torch.arange(6.0).reshape(2, 3), "b": torch.tensor([1, 2], dtype=torch.int64),
               "h": torch.tensor([0.5, 1.5], dtype=torch.bfloat16)}
    write_python(path, tensors, {"epoch": "3"})
    got = tb.load_safetensors(str(path))
    assert list(got["tensors"]) == ["b", "h", "w"]  # sorted, as safe_open().keys()
    for k, t in tensors.items():
        assert torch.equal(got["tensors"][k], t) and got["tensors"][k].dtype == t.dtype
    assert got["metadata"] == {"epoch": "3"}
    sub = tb.load_safetensors(str(path), ["w", "b"])
    assert list(sub["tensors"]) == ["w", "b"]


def test_load_names_missing_keys(tmp_path):
    path = tmp_path / "m.safetensors"
    write_python(path, {"a": torch.zeros(1)})
    with pytest.raises(ArgError) as ei:
        tb.load_safetensors(str(path), ["a", "zz"])
    assert ei.value.message == f"Can't read `zz` from `{path}`: the file has no such tensor."
    assert ei.value.bullets == [("i", "It has 1 tensor: `a`.")]


def test_save_is_read_by_python(tmp_path):
    path = tmp_path / "r.safetensors"
    x = torch.arange(12.0, dtype=torch.float64).reshape(3, 4)
    tensors = {"x": x.t(), "i": torch.tensor([1, -2], dtype=torch.int64), "flag": torch.tensor([True, False]),
               "half": torch.tensor([1.5], dtype=torch.float16), "empty": torch.zeros(0, 3),
               "scalar": torch.tensor(2.5)}
    tb.save_safetensors(tensors, str(path), {"source": "R"})
    back = safetensors_torch.load_file(str(path))
    for k, t in tensors.items():
        assert back[k].dtype == t.dtype and back[k].shape == t.shape and torch.equal(back[k], t)
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        assert json.loads(f.read(n))["__metadata__"] == {"source": "R"}
    assert os.listdir(tmp_path) == ["r.safetensors"]


def test_info_reads_only_the_header(tmp_path):
    # A header claiming 80 GB of data in a sparse file: reading it would
    # take far more memory than the machine has.
    path = tmp_path / "big.safetensors"
    n = 10_000_000_000
    header = json.dumps({"__metadata__": {"k": "v"},
                         "huge": {"dtype": "F64", "shape": [100000, 100000], "data_offsets": [0, 8 * n]},
                         "small": {"dtype": "BF16", "shape": [], "data_offsets": [8 * n, 8 * n + 2]}}).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header)
        f.truncate(8 + len(header) + 8 * n + 2)
    got = tb.safetensors_info(str(path))
    assert got == {"key": ["huge", "small"], "dtype": ["float64", "bfloat16"], "shape": ["100000x100000", ""],
                   "bytes": [str(8 * n), "2"], "metadata": {"k": "v"}}


@pytest.mark.parametrize(
    "content, why",
    [
        (b"abc", "It has 3 bytes; a safetensors file starts with an 8-byte header size."),
        (struct.pack("<Q", 10**6) + b"{}", "Its first 8 bytes give a header of 1000000 bytes; the file has 10."),
        (struct.pack("<Q", 3) + b"xyz", "Its header is not JSON."),
        (struct.pack("<Q", 2) + b"[]", "Its header is not a JSON object."),
    ],
)
def test_info_refuses_other_files(tmp_path, content, why):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    with pytest.raises(FileError) as ei:
        tb.safetensors_info(str(path))
    assert ei.value.message == f"Can't read `{path}`: it is not a safetensors file, or it is truncated."
    assert ei.value.bullets[0] == ("x", why)


def test_load_refuses_a_truncated_file(tmp_path):
    path = tmp_path / "t.safetensors"
    write_python(path, {"a": torch.arange(100.0)})
    data = path.read_bytes()
    path.write_bytes(data[:-40])
    with pytest.raises(FileError) as ei:
        tb.load_safetensors(str(path))
    assert ei.value.bullets[0] == ("x", "The data of `a` ends at byte 400; the file holds 360 bytes of data.")
