"""dbv: run the Delivering Better Value in SEND diagnostic yourself."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dbv-send")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
