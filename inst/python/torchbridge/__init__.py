"""torchbridge's Python side: moves data between R vectors and torch tensors.

R calls these functions through reticulate; the bulk data never passes
through reticulate's conversions (see ``_to_torch`` and ``_from_torch``).
"""

from ._devices import cuda_count, default_device, devices, resolve
from ._dtypes import all_names, parse
from ._errors import TorchbridgeError, take_last_error
from ._from_torch import fill, plan, set_scratch, unpack
from ._info import info
from ._memory import column_major_strides, take_released, view
from ._plot import plot_histogram, plot_kind, plot_reduce
from ._to_torch import cast_tensor, from_columns, from_r

__all__ = [
    "TorchbridgeError",
    "all_names",
    "cast_tensor",
    "column_major_strides",
    "cuda_count",
    "default_device",
    "devices",
    "fill",
    "from_columns",
    "from_r",
    "info",
    "parse",
    "plan",
    "plot_histogram",
    "plot_kind",
    "plot_reduce",
    "resolve",
    "set_scratch",
    "take_last_error",
    "take_released",
    "unpack",
    "view",
]
