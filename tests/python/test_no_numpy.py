"""torchbridge works without NumPy and never imports it.

Runs in a fresh interpreter where ``import numpy`` fails (``sys.modules["numpy"]
= None`` before torch is imported), as on a machine without NumPy.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[2] / "inst" / "python"

SCRIPT = textwrap.dedent(
    r"""
    import builtins, ctypes, json, struct, sys, warnings
    sys.modules["numpy"] = None  # `import numpy` now raises ModuleNotFoundError
    sys.path.insert(0, BUNDLED)

    with warnings.catch_warnings():
        # torch itself says "Failed to initialize NumPy"; that is torch's business
        warnings.simplefilter("ignore")
        import torch
    warnings.simplefilter("error")

    attempts = []
    real_import = builtins.__import__

    def spy(name, *args, **kwargs):
        if name == "numpy" or name.startswith("numpy."):
            attempts.append(name)
        return real_import(name, *args, **kwargs)

    builtins.__import__ = spy
    import torchbridge as tb
    from torchbridge._from_torch import plan as plan_of

    NA = 0x7FF00000000007A2

    def to_r(t, ctype, n, int64="integer"):
        plan = plan_of(t, int64)
        out = (ctype * n)()
        tb.fill(str(ctypes.addressof(out)))
        return list(plan), bytes(out)

    # double matrix with R's NA, through float64 and back
    raw = struct.pack("<6Q", *[struct.unpack("<Q", struct.pack("<d", v))[0] for v in (1.5, 2.5, 3.5)], NA,
                      *[struct.unpack("<Q", struct.pack("<d", v))[0] for v in (5.5, 6.5)])
    x = (ctypes.c_uint8 * len(raw)).from_buffer_copy(raw)
    t = tb.from_r(str(ctypes.addressof(x)), "double", "6", [2, 3], dtype="float64")
    plan_d, back_d = to_r(t, ctypes.c_double, 6)

    # integer -> int64 -> integer, complex -> complex128 -> complex, logical -> bool -> logical
    i = (ctypes.c_int32 * 4)(1, -7, 2**31 - 1, 0)
    ti = tb.from_r(str(ctypes.addressof(i)), "integer", "4", [2, 2])
    plan_i, back_i = to_r(ti, ctypes.c_int32, 4)
    z = (ctypes.c_double * 4)(1.0, 2.0, -3.0, 0.5)
    tz = tb.from_r(str(ctypes.addressof(z)), "complex", "2", None, float_dtype="float64")
    plan_z, back_z = to_r(tz.conj(), ctypes.c_double, 4)
    lg = (ctypes.c_int32 * 3)(1, 0, 1)
    tl = tb.from_r(str(ctypes.addressof(lg)), "logical", "3", None)
    plan_l, back_l = to_r(tl, ctypes.c_int32, 3)

    import os, tempfile
    folder = tempfile.mkdtemp()
    pt = os.path.join(folder, "r.pt")
    tb.save_pt({"w": torch.arange(4.0).reshape(2, 2), "ids": [1, 2]}, pt)
    back_pt = tb.load_pt(pt)
    files = {"pt": [back_pt["w"].tolist(), back_pt["ids"]]}
    try:
        import safetensors  # noqa: F401
    except ImportError:
        files["safetensors"] = "absent"
    else:
        st = os.path.join(folder, "r.safetensors")
        tb.save_safetensors({"w": torch.arange(4.0).reshape(2, 2).t(), "b": torch.tensor([True])}, st, {"k": "v"})
        back = tb.load_safetensors(st)
        files["safetensors"] = [back["tensors"]["w"].tolist(), back["tensors"]["b"].tolist(), back["metadata"]]

    kind, names, items, _ = tb.unpack(torch.max(torch.tensor([[1.0, 4.0], [3.0, 2.0]]), dim=1))

    print(json.dumps({
        "plans": [plan_d, plan_i, plan_z, plan_l],
        "double": back_d == raw,
        "integer": list(struct.unpack("<4i", back_i)),
        "complex": list(struct.unpack("<4d", back_z)),
        "logical": list(struct.unpack("<3i", back_l)),
        "dtypes": [str(t.dtype), str(ti.dtype), str(tz.dtype), str(tl.dtype)],
        "unpack": [kind, names, [it.tolist() for it in items]],
        "info_numpy": tb.info()["numpy"],
        "files": files,
        "attempts": attempts,
        "numpy_modules": sorted(repr(m) for k, m in sys.modules.items() if k == "numpy" or k.startswith("numpy.")),
    }))
    """
)


def test_round_trips_without_numpy(tmp_path):
    script = tmp_path / "no_numpy.py"
    script.write_text(f"BUNDLED = {str(BUNDLED)!r}\n" + SCRIPT)
    proc = subprocess.run([sys.executable, "-I", str(script)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["plans"] == [["double", "6", [2, 3], False, False], ["integer", "4", [2, 2], False, False],
                            ["complex", "2", None, False, False], ["logical", "3", None, False, False]]
    assert out["double"] is True  # bit for bit, R's NA included
    assert out["integer"] == [1, -7, 2147483647, 0]
    assert out["complex"] == [1.0, -2.0, -3.0, -0.5]
    assert out["logical"] == [1, 0, 1]
    assert out["dtypes"] == ["torch.float64", "torch.int64", "torch.complex128", "torch.bool"]
    assert out["unpack"] == ["named", ["values", "indices"], [[4.0, 3.0], [1, 0]]]
    assert out["info_numpy"] is None
    assert out["files"]["pt"] == [[[0.0, 1.0], [2.0, 3.0]], [1, 2]]
    if out["files"]["safetensors"] != "absent":
        assert out["files"]["safetensors"] == [[[0.0, 2.0], [1.0, 3.0]], [True], {"k": "v"}]
    # torchbridge never tried to import NumPy, and no NumPy module got loaded
    assert out["attempts"] == []
    assert out["numpy_modules"] == ["None"]
