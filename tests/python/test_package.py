"""__init__ and _info: the package R imports, and what torchbridge_sitrep() shows."""

import importlib.metadata
import importlib.util
import sys
from pathlib import Path

import torch

import torchbridge as tb

BUNDLED = Path(__file__).resolve().parents[2] / "inst" / "python" / "torchbridge"


def test_the_bundled_package_is_tested():
    assert Path(tb.__file__).resolve().parent == BUNDLED


def test_public_names():
    assert tb.__all__ == sorted(tb.__all__)
    assert set(tb.__all__) == {
        "cast_tensor", "cuda_count", "default_device",
        "devices", "drop_plan", "fill", "from_columns", "from_r", "info", "plan_text",
        "plot_histogram", "plot_kind", "plot_reduce", "set_scratch", "take_last_error",
        "take_released", "unpack",
        # _devices: CUDA's memory and queue
        "cuda_empty_cache", "cuda_memory_stats", "cuda_synchronize",
        # _from_python, _pt_file, _safetensors: Python objects and files
        "from_python", "plain_kind", "load_pt", "save_pt", "load_safetensors", "save_safetensors", "safetensors_info",
        # _pt_file: tensors packed for knitr's cache; _chunks: tb.r's callbacks into R
        "pack_tensor", "take_packed", "unpack_tensor", "set_r_callbacks",
        # _tensor_*: the tensor side of the R methods
        "any_na", "assign", "binary", "complex_op", "describe", "head_values", "int_text", "math_op", "matmul", "mean", "na_test", "numel", "permute",
        "preview", "shape", "subset", "summarize", "summary", "transpose", "unary",
        # _tensor_verbs: base R verbs
        "bind", "chol", "combine", "diff", "duplicated_values", "median", "quantiles", "slogdet", "solve", "reverse", "sort_values", "unique_values", "xtfrm_key",
    }
    for name in tb.__all__:
        assert getattr(tb, name) is not None
        # every function R calls records its errors for R (take_last_error hands them over)
        if name != "take_last_error":
            assert hasattr(getattr(tb, name), "__wrapped__"), name
    assert isinstance(tb.r, tb._chunks.RVariables)  # for Python chunks, not R


def test_info():
    info = tb.info()
    assert list(info) == ["python", "executable", "torch", "cuda_build", "rocm_build", "numpy", "threads"]
    assert info["python"] == sys.version.split()[0]
    assert info["executable"] == sys.executable
    assert info["torch"] == torch.__version__
    assert info["cuda_build"] == torch.version.cuda
    assert info["rocm_build"] == (getattr(torch.version, "hip", None) or None)
    assert info["threads"] == torch.get_num_threads()


def test_info_reports_numpy_from_its_metadata():
    # the version, read without importing NumPy (see test_no_numpy.py for the case without it)
    if importlib.util.find_spec("numpy") is None:
        assert tb.info()["numpy"] is None
    else:
        assert tb.info()["numpy"] == importlib.metadata.version("numpy")
