"""Facts about the Python side, for ``torchbridge_sitrep()``."""

from __future__ import annotations

import importlib.util
import sys
from typing import Any, Dict

import torch

from ._devices import rocm_build
from ._errors import record


@record
def info() -> Dict[str, Any]:
    """Versions and builds, without importing NumPy."""
    numpy = None
    if importlib.util.find_spec("numpy") is not None:
        try:
            from importlib.metadata import version

            numpy = version("numpy")
        except Exception:  # metadata missing: report presence only
            numpy = "installed"
    return {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch": str(torch.__version__),
        "cuda_build": None if torch.version.cuda is None else str(torch.version.cuda),
        "rocm_build": None if not rocm_build() else str(rocm_build()),
        "numpy": numpy,
        "threads": torch.get_num_threads(),
    }
