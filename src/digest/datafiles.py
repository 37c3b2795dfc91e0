"""Loading the YAML files people maintain, keeping line numbers so every message can point at the line to fix."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from digest.controls import invisible_problems
from digest.errors import DigestError, Problem, fail
from digest.inputs import input_bytes
from digest.memo import Memo, hashed, task


class LineDict(dict[str, Any]):
    """A mapping that remembers the line of each of its keys (1-based) and of itself."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that remembers the line of each of its items."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's parser where PyYAML has it), building LineDicts and LineLists."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# Dates stay strings: a sidecar's "2021-05-12" must not silently become a datetime.date.
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; a syntax error becomes a one-line error naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise fail(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})", hint="save the file as UTF-8") from exc
    except OSError as exc:
        raise fail(path, f"cannot read: {exc.strerror}") from exc
    hidden = invisible_problems(text, path)
    if hidden:
        raise DigestError(hidden)
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise fail(path, f"YAML syntax error: {problem}", line=line, hint="fix the YAML syntax") from exc
    except yaml.YAMLError as exc:
        raise fail(path, f"YAML error: {exc}") from exc


def load_list(path: Path, shape: str) -> list[Any]:
    """A data file that holds a list (of rules, repairs …): empty when the file is missing or empty; anything
    else than a list is an error naming the file and the expected `shape`."""
    if not path.exists():
        return []
    data = load_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise DigestError(Problem(str(path), shape, line=1))
    return data


@dataclass(frozen=True)
class Field:
    """One allowed key of a data file: its type, whether it is required, and what it is for."""

    name: str
    kinds: tuple[type, ...]
    required: bool = True
    doc: str = ""


def check_fields(mapping: Any, fields: Iterable[Field], path: Path, what: str) -> list[Problem]:
    """Report missing, unknown and mistyped keys of one mapping, each at its own line."""
    field_list = list(fields)
    if not isinstance(mapping, Mapping):
        line = getattr(mapping, "line", None)
        return [Problem(str(path), f"{what} must be a mapping of fields", line=line)]
    line_of = mapping.line_of if isinstance(mapping, LineDict) else (lambda _key: None)
    known = {f.name: f for f in field_list}
    problems: list[Problem] = []
    for name in mapping:
        if name not in known:
            close = difflib.get_close_matches(str(name), list(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed: " + ", ".join(known)
            problems.append(Problem(str(path), f"unknown field '{name}' in {what}", line=line_of(name), hint=hint))
    for spec in field_list:
        if spec.name not in mapping or mapping[spec.name] is None:
            if spec.required:
                problems.append(
                    Problem(
                        str(path),
                        f"missing required field '{spec.name}' in {what}",
                        line=getattr(mapping, "line", None),
                        hint=spec.doc or None,
                    )
                )
            continue
        value = mapping[spec.name]
        if not isinstance(value, spec.kinds) or (isinstance(value, bool) and bool not in spec.kinds):
            expected = " or ".join(_kind_name(k) for k in spec.kinds)
            problems.append(
                Problem(
                    str(path),
                    f"field '{spec.name}' should be {expected}, not {_kind_name(type(value))}",
                    line=line_of(spec.name),
                    hint=spec.doc or None,
                )
            )
    return problems


KIND_NAMES = {bool: "true/false", str: "text", int: "a number", float: "a number", list: "a list", dict: "a mapping"}


def _kind_name(kind: type) -> str:
    """What a maintainer calls a YAML value's type: never the name of a class of ours (LineList is a list)."""
    for base in kind.__mro__:
        if base in KIND_NAMES:
            return KIND_NAMES[base]
    return "nothing" if kind is type(None) else kind.__name__


YamlReader = Callable[[Path], Any]


@task("yaml")
def _parsed(path: Path) -> Any:
    return load_yaml(path)


def caching_reader(memo: Memo) -> YamlReader:
    """`load_yaml` with each parse kept under the hash of the file's bytes: a thousand unchanged sidecars
    load in a tenth of the time it takes to parse them."""

    def read(path: Path) -> Any:
        try:
            content = input_bytes(path)
        except OSError:
            return load_yaml(path)  # which says what is wrong with the file
        return memo.call(_parsed, hashed(path, content)).value

    return read
