"""torchbridge's Python side: moves data between R vectors and torch tensors.

R calls these functions through reticulate; the bulk data never passes
through reticulate's conversions (see ``_to_torch`` and ``_from_torch``).
The tensor side of the R methods for tensors is in ``_tensor_ops`` (Ops,
Summary, mean(), %@%), ``_tensor_math`` (Math, Complex) with R's numeric
algorithms in ``_r_math``, ``_tensor_na`` (is.na() and friends),
``_tensor_index`` (``[``, ``[<-``), ``_tensor_methods`` (t(), aperm(),
dim(), length()), ``_tensor_print`` (print(), str(), summary()) and
``_tensor_verbs`` (sort(), unique() and other base R verbs) with
``_tensor_stats`` (quantile(), median(), diff()) and ``_tensor_linalg``
(solve(), chol(), determinant()); R values next
to tensors (descriptors, scalars, recycling) in ``_r_values``.
"""

from ._devices import cuda_count, cuda_empty_cache, cuda_memory_stats, cuda_synchronize, default_device, devices
from ._errors import take_last_error
from ._from_python import from_python, plain_kind, unpack
from ._from_torch import drop_plan, fill, plan_text, set_scratch
from ._info import info
from ._memory import take_released
from ._tensor_index import assign, subset
from ._tensor_math import complex_op, math_op
from ._tensor_methods import numel, permute, shape, transpose
from ._tensor_na import any_na, na_test
from ._tensor_ops import binary, matmul, mean, summary, unary
from ._tensor_print import describe, head_values, int_text, preview, summarize
from ._tensor_linalg import chol, slogdet, solve
from ._tensor_stats import diff, median, quantiles
from ._tensor_verbs import bind, combine, duplicated_values, reverse, sort_values, unique_values, xtfrm_key
from ._chunks import r as r, set_r_callbacks
from ._pt_file import load_pt, pack_tensor, save_pt, take_packed, unpack_tensor
from ._plot import plot_histogram, plot_kind, plot_reduce
from ._safetensors import info as safetensors_info, load as load_safetensors, save as save_safetensors
from ._to_torch import cast_tensor, from_columns, from_r

__all__ = [
    "any_na",
    "assign",
    "binary",
    "bind",
    "cast_tensor",
    "chol",
    "combine",
    "complex_op",
    "cuda_count",
    "cuda_empty_cache",
    "cuda_memory_stats",
    "cuda_synchronize",
    "default_device",
    "describe",
    "devices",
    "diff",
    "drop_plan",
    "duplicated_values",
    "fill",
    "from_columns",
    "from_python",
    "from_r",
    "head_values",
    "info",
    "int_text",
    "load_pt",
    "load_safetensors",
    "math_op",
    "matmul",
    "mean",
    "median",
    "na_test",
    "numel",
    "pack_tensor",
    "permute",
    "plain_kind",
    "plan_text",
    "plot_histogram",
    "plot_kind",
    "plot_reduce",
    "preview",
    "quantiles",
    "reverse",
    "safetensors_info",
    "save_pt",
    "save_safetensors",
    "set_r_callbacks",
    "set_scratch",
    "shape",
    "slogdet",
    "solve",
    "sort_values",
    "subset",
    "summarize",
    "summary",
    "take_last_error",
    "take_packed",
    "take_released",
    "transpose",
    "unary",
    "unique_values",
    "unpack",
    "unpack_tensor",
    "xtfrm_key",
]
