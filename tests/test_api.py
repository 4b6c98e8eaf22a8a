"""The public surface: exports, version, and what importing costs."""

from __future__ import annotations

import subprocess
import sys

import perfkpi


def test_all_is_sorted_and_importable() -> None:
    # constants first, then classes, then functions and modules (isort style)
    def order(name: str) -> tuple[int, str]:
        if name.isupper():
            return (0, name)
        return (1 if name[0].isupper() else 2, name)

    assert list(perfkpi.__all__) == sorted(perfkpi.__all__, key=order)
    for name in perfkpi.__all__:
        assert getattr(perfkpi, name) is not None


def test_version_comes_from_metadata() -> None:
    from importlib.metadata import version

    assert perfkpi.__version__ == version("perfkpi")


def test_import_pulls_in_no_extra() -> None:
    code = (
        "import sys, perfkpi; "
        "heavy = {'hypothesis', 'openpyxl', 'matplotlib', 'narwhals', 'pandas'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, check=True, text=True
    ).stdout
    assert out.strip() == "[]"


def test_errors_are_builtins_too() -> None:
    assert issubclass(perfkpi.TargetSyntaxError, ValueError)
    assert issubclass(perfkpi.DataError, ValueError)
    assert issubclass(perfkpi.SchemeValidationError, ExceptionGroup)
    for name in perfkpi.__all__:
        obj = getattr(perfkpi, name)
        if (
            isinstance(obj, type)
            and issubclass(obj, Exception)
            and not issubclass(obj, Warning)
        ):
            assert issubclass(obj, perfkpi.PerfKPIError)
        if isinstance(obj, type) and issubclass(obj, Warning):
            assert issubclass(obj, perfkpi.PerfKPIWarning)
