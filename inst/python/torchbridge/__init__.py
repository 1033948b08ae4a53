"""torchbridge's Python side: moves data between R vectors and torch tensors.

R calls these functions through reticulate; the bulk data never passes
through reticulate's conversions (see ``_to_torch`` and ``_from_torch``).
``_methods`` holds the tensor side of the R methods for tensors
(arithmetic, math, indexing, printing).
"""

from ._devices import cuda_count, default_device, devices, resolve
from ._dtypes import all_names, parse
from ._errors import TorchbridgeError, take_last_error
from ._from_torch import drop_plan, fill, plan, plan_text, set_scratch, unpack
from ._info import info
from ._memory import column_major_strides, take_released, view
from ._methods import (
    any_na,
    assign,
    binary,
    complex_op,
    describe,
    head_values,
    math_op,
    matmul,
    mean,
    na_test,
    numel,
    permute,
    preview,
    shape,
    subset,
    summarize,
    summary,
    transpose,
    unary,
)
from ._plot import plot_histogram, plot_kind, plot_reduce
from ._to_torch import cast_tensor, from_columns, from_r

__all__ = [
    "TorchbridgeError",
    "all_names",
    "any_na",
    "assign",
    "binary",
    "cast_tensor",
    "column_major_strides",
    "complex_op",
    "cuda_count",
    "default_device",
    "describe",
    "devices",
    "drop_plan",
    "fill",
    "from_columns",
    "from_r",
    "head_values",
    "info",
    "math_op",
    "matmul",
    "mean",
    "na_test",
    "numel",
    "parse",
    "permute",
    "plan",
    "plan_text",
    "plot_histogram",
    "plot_kind",
    "plot_reduce",
    "preview",
    "resolve",
    "set_scratch",
    "shape",
    "subset",
    "summarize",
    "summary",
    "take_last_error",
    "take_released",
    "transpose",
    "unary",
    "unpack",
    "view",
]
