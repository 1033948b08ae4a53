"""_pt_file: torch.save() files read with classed errors, written atomically."""

import collections
import os
import zipfile

import numpy as np
import pytest
import torch

import torchbridge as tb
from torchbridge._errors import FileError, NoGPUError, TorchbridgeError, WeightsOnlyError


def test_load_reads_a_results_dict(tmp_path):
    path = tmp_path / "results.pt"
    sd = collections.OrderedDict([("w", torch.ones(2, 3)), ("b", torch.zeros(2))])
    torch.save({"state": sd, "losses": [0.9, 0.7], "np": np.arange(3.0)}, path)
    got = tb.load_pt(str(path))
    assert list(got) == ["state", "losses", "np"]
    assert list(got["state"]) == ["w", "b"] and torch.equal(got["state"]["w"], sd["w"])
    assert got["losses"] == [0.9, 0.7]
    assert isinstance(got["np"], np.ndarray) and got["np"].tolist() == [0.0, 1.0, 2.0]


def test_load_reads_the_legacy_format(tmp_path):
    path = tmp_path / "old.pt"
    torch.save({"a": torch.arange(3)}, path, _use_new_zipfile_serialization=False)
    assert not zipfile.is_zipfile(path)
    assert tb.load_pt(str(path))["a"].tolist() == [0, 1, 2]


def test_load_maps_to_the_device_asked_for(tmp_path):
    path = tmp_path / "t.pt"
    torch.save(torch.ones(2), path)
    assert tb.load_pt(str(path), "cpu").device.type == "cpu"
    assert tb.load_pt(str(path), None).device.type == "cpu"


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)


def test_load_refuses_a_pickled_module_with_weights_only(tmp_path):
    path = tmp_path / "model.pt"
    torch.save(Net(), path)
    with pytest.raises(WeightsOnlyError) as ei:
        tb.load_pt(str(path))
    e = ei.value
    assert e.kind == "weights_only"
    assert e.message == f"Can't read `{path}` with `weights_only = TRUE`: it holds more than tensors and plain values."
    assert e.bullets[0][0] == "x" and "test_pt_file.Net" in e.bullets[0][1]
    assert e.bullets[1] == ("i", "`weights_only = FALSE` loads them by running code from the file: use it only on files you trust.")
    m = tb.load_pt(str(path), "cpu", False)
    assert isinstance(m, Net)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"definitely not a torch file", "it is not a file written by `torch.save()`."),
        (b"", "it is not a file written by `torch.save()`."),
    ],
)
def test_load_refuses_other_files(tmp_path, content, message):
    path = tmp_path / "x.pt"
    path.write_bytes(content)
    with pytest.raises(FileError) as ei:
        tb.load_pt(str(path))
    assert ei.value.message == f"Can't read `{path}`: {message}"


def test_load_refuses_a_truncated_file(tmp_path):
    path = tmp_path / "t.pt"
    torch.save({"a": torch.arange(1000)}, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileError) as ei:
        tb.load_pt(str(path))
    assert ei.value.message == f"Can't read `{path}`: the file is truncated or corrupt."


def test_load_refuses_missing_files_and_directories(tmp_path):
    with pytest.raises(FileError, match="the file does not exist"):
        tb.load_pt(str(tmp_path / "nope.pt"))
    with pytest.raises(FileError, match="it is a directory, not a file"):
        tb.load_pt(str(tmp_path))


def test_load_a_cuda_file_without_cuda(tmp_path, monkeypatch):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    path = tmp_path / "gpu.pt"
    # A file as a GPU machine writes it: its storages are tagged cuda:0.
    monkeypatch.setattr(torch.serialization, "location_tag", lambda storage: "cuda:0")
    torch.save({"w": torch.ones(2)}, path)
    monkeypatch.undo()
    assert tb.load_pt(str(path), "cpu")["w"].tolist() == [1.0, 1.0]
    with pytest.raises(NoGPUError) as ei:
        tb.load_pt(str(path), None)
    assert ei.value.bullets[-1] == ("i", 'Use `map_location = "cpu"` (the default).')


@pytest.mark.parametrize("name", ["out.pt", ".hidden", "no-extension", "two.dots.pt"])
def test_save_writes_any_file_name(tmp_path, name):
    path = tmp_path / name
    tb.save_pt({"a": torch.arange(3)}, str(path))
    assert torch.load(path, weights_only=True)["a"].tolist() == [0, 1, 2]
    assert os.listdir(tmp_path) == [name]  # no temporary file left


def test_save_leaves_nothing_behind_when_it_fails(tmp_path):
    path = tmp_path / "keep.pt"
    path.write_bytes(b"old")

    class Unpicklable:
        def __reduce__(self):
            raise TypeError("no pickling")

    with pytest.raises(TorchbridgeError):
        tb.save_pt({"a": Unpicklable()}, str(path))
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["keep.pt"]


def test_save_refuses_bad_targets(tmp_path):
    with pytest.raises(FileError, match="it is a directory"):
        tb.save_pt(1, str(tmp_path))
    with pytest.raises(FileError, match="does not exist"):
        tb.save_pt(1, str(tmp_path / "no" / "such.pt"))
