"""Strict loader for the dated, cited YAML parameter files in ``dbv/parameters``.

Duplicate keys are errors; every file must say what it is (``description``) and where its
numbers come from (``references``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dbv.errors import ParameterError

REQUIRED_KEYS = ("description", "references")


class _StrictLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ParameterError(
                f"duplicate key '{key}'",
                file=getattr(loader, "name", None),
                row=key_node.start_mark.line + 1,
                fix="remove one of the two entries",
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> dict[str, Any]:
    """Load one parameter file strictly."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"cannot read parameter file: {exc}", file=path) from None
    loader = _StrictLoader(text)
    loader.name = str(path)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ParameterError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            file=path,
            row=None if mark is None else mark.line + 1,
            fix="check indentation and quoting",
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ParameterError("a parameter file must be a mapping", file=path)
    for key in REQUIRED_KEYS:
        if key not in data:
            raise ParameterError(
                f"missing '{key}'", file=path, fix=f"add a '{key}' entry (see CONTRIBUTING.md)"
            )
    desc = data["description"]
    if not isinstance(desc, str) or not desc.strip().endswith("."):
        raise ParameterError(
            "'description' must be a sentence ending in a full stop",
            file=path,
            column="description",
        )
    return data


def parameter_path(name: str) -> Path:
    return Path(str(resources.files("dbv") / "parameters" / f"{name}.yaml"))


@cache
def load(name: str) -> dict[str, Any]:
    """Load a bundled parameter file by name (without ``.yaml``). Read-only: do not mutate."""
    return load_yaml(parameter_path(name))
