"""The target matrix a project means to cover (matrix.toml): every (platform, interpreter, start method) column it
expects results for. Reports show the columns no run observed as "not observed", so that a cell CI never ran (a
free-threaded build, macOS, Windows, seen from a laptop) is never mistaken for one that passed."""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from harness import files
from harness.casefile import MAX_NESTING, did_you_mean, too_deep
from harness.errors import UsageError
from harness.model import CASE_METHODS, IMPLEMENTATIONS, PLATFORMS, START_METHODS, CellId, Result, parse_tag, split_platform_tag

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on older interpreters only
    import tomli as tomllib

DEFAULT_TARGET = "matrix.toml"  # read from the current folder by `mpmatrix report` and `mpmatrix claims`
PLATFORM_KEYS = ("pythons", "start_methods")
MAX_DIGITS = 100  # a run of digits longer than this is no version and no count
Column = Tuple[str, str, str]  # (platform tag, interpreter tag at minor precision, start method)


class TargetError(UsageError):
    """A target matrix file that cannot be used; the message names the file, the line and the bad value."""


@dataclass(frozen=True)
class TargetPlatform:
    """The interpreters (column tags: 3.12, 3.13t, pypy3.10) and start methods one platform is meant to run."""

    platform: str
    pythons: Tuple[str, ...]
    start_methods: Tuple[str, ...]


@dataclass(frozen=True)
class Target:
    """The declared matrix: per platform, which interpreters under which start methods."""

    platforms: Tuple[TargetPlatform, ...]
    path: str = ""

    def columns(self) -> List[Column]:
        return [(p.platform, tag, method) for p in self.platforms for tag in p.pythons for method in p.start_methods]


def load_target(path: str) -> Target:
    """Read and check a target matrix file; raises TargetError naming the file and line."""
    try:
        text = files.read_text(path, files.TARGET_LIMIT, "target matrix")
    except (OSError, UnicodeDecodeError) as exc:
        raise TargetError(f"{path}: cannot read the target matrix ({files.described(exc)}); expected a TOML file such "
                          f"as {DEFAULT_TARGET}") from None
    deep = too_deep(text.split("\n"))  # counted first: the TOML reader recurses once per level
    if deep:
        raise TargetError(f"{path}:{deep}: arrays or tables nested more than {MAX_NESTING} deep; a target matrix "
                          "needs two levels")
    long_number = re.search(r"\d{%d,}" % MAX_DIGITS, text)
    if long_number:  # beyond Python's digit limit for str -> int, which the TOML reader would raise as a ValueError
        line = text.count("\n", 0, long_number.start()) + 1
        raise TargetError(f"{path}:{line}: a run of {len(long_number.group()):,} digits; a target matrix names "
                          "interpreters such as \"3.12\" and needs no longer number")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TargetError(f"{path}: invalid TOML: {exc}") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # what the bounds above may not foresee
        raise TargetError(f"{path}: a value the TOML reader refuses: {exc!r}") from None
    return _Reader(path, text).target(data)


def target_for(option: Optional[str]) -> Optional[Target]:
    """The target a command uses: the file named by --target, none for `--target none`, else ./matrix.toml if any."""
    if option is not None:
        return None if option.lower() in ("", "none") else load_target(option)
    # lexists, not isfile: a pipe, a folder, a dangling link or a loop of links named matrix.toml is refused by
    # name, not passed over as if there were none
    return load_target(DEFAULT_TARGET) if os.path.lexists(DEFAULT_TARGET) else None


def column_of(cell: CellId, release: bool = False) -> Column:
    """The target column a cell fills: a cell of 3.13.0 or of 3.13.18 fills the column 3.13 (with `release`, the
    column of its own release: 3.13.0); a cell under Wine fills a Wine column, never a Windows one; a cell of a
    variant (numpy=2.1.3, a flag) fills its interpreter's column."""
    return (cell.platform_tag, replace(cell, variant=()).tag(release=release), cell.start_method)


def column_key(column: Column) -> Tuple[Any, ...]:
    return CellId.of_column(*column).sort_key()


def observed_columns(results: Iterable[Result]) -> List[Column]:
    return sorted({column_of(r.cell) for r in results}, key=column_key)


def not_observed(results: Sequence[Result], target: Optional[Target]) -> List[Column]:
    """The target's columns that no result fills: a column of a version (3.13) by a cell of any of its releases, a
    column of a release (3.13.0, declared to cover patch releases) by a cell of that release."""
    if target is None:
        return []
    seen = set(observed_columns(results)) | {column_of(r.cell, release=True) for r in results}
    return [column for column in target.columns() if column not in seen]


def describe_columns(columns: Sequence[Column], target: Optional[Target] = None) -> str:
    """`darwin (all of it); linux 3.13t, 3.14t; win32 3.12 spawn`: per platform, the interpreters (and the start
    methods, where only some are missing) of the given columns."""
    by_platform: Dict[str, Dict[str, List[str]]] = {}
    for platform, tag, method in sorted(columns, key=column_key):
        by_platform.setdefault(platform, {}).setdefault(tag, []).append(method)
    declared = {p.platform: p for p in target.platforms} if target is not None else {}
    parts = []
    for platform, tags in by_platform.items():
        spec = declared.get(platform)
        if spec is not None and set(tags) == set(spec.pythons) and all(set(m) == set(spec.start_methods) for m in tags.values()):
            parts.append(f"{platform} (all of it)")
            continue
        named = []
        for tag, methods in tags.items():
            every = spec.start_methods if spec is not None else START_METHODS
            named.append(tag if set(methods) >= set(every) else f"{tag} {'/'.join(methods)}")
        parts.append(f"{platform} {', '.join(named)}")
    return "; ".join(parts)


class _Reader:
    """Turns the parsed TOML into a Target, finding line numbers for messages."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line(self, table: str, key: str = "") -> int:
        first, _, name = table.partition(".")  # platform.NAME, where NAME may be quoted: "win32-wine8.0"
        parts = [re.escape(first)] + ([r"(?:%s|\"%s\"|'%s')" % ((re.escape(name),) * 3)] if name else [])
        header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(parts) + r"\s*\]")
        start = next((i for i, line in enumerate(self.lines) if header.match(line)), None)
        if start is None:
            return 0
        if not key:
            return start + 1
        for index in range(start + 1, len(self.lines)):
            if re.match(r"^\s*\[", self.lines[index]):
                break
            if re.match(r"^\s*" + re.escape(key) + r"\s*=", self.lines[index]):
                return index + 1
        return start + 1

    def error(self, line: int, message: str) -> TargetError:
        return TargetError(f"{self.path}:{line}: {message}" if line else f"{self.path}: {message}")

    def target(self, data: Dict[str, Any]) -> Target:
        unknown = [key for key in data if key != "platform"]
        if unknown:
            raise self.error(0, f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], ['platform'])}; expected "
                                "[platform.linux], [platform.darwin] and [platform.win32] tables")
        platforms = data.get("platform")
        if not isinstance(platforms, dict) or not platforms:
            raise self.error(0, "no [platform.NAME] table; expected one per platform, e.g. [platform.linux]")
        found = []
        for name, table in platforms.items():
            platform, flavour = split_platform_tag(name)
            if platform not in PLATFORMS or (flavour and not re.fullmatch(r"[a-z]+\d+(\.\d+)*", flavour)):
                raise self.error(self.line(f"platform.{name}"), f"unknown platform {name!r}{did_you_mean(name, PLATFORMS)}; "
                                                               f"expected {', '.join(PLATFORMS)} (sys.platform), or one "
                                                               "of them with a flavour such as win32-wine8.0")
            found.append(self.platform(name, table))
        return Target(tuple(found), self.path)

    def platform(self, name: str, table: Any) -> TargetPlatform:
        where = f"platform.{name}"
        if not isinstance(table, dict):
            raise self.error(self.line(where), f"[{where}] must be a table of {', '.join(PLATFORM_KEYS)}")
        for key in table:
            if key not in PLATFORM_KEYS:
                raise self.error(self.line(where, key), f"unknown key {key!r} in [{where}]{did_you_mean(key, PLATFORM_KEYS)}; "
                                                        f"expected {', '.join(PLATFORM_KEYS)}")
        pythons = self.strings(table, "pythons", where)
        for tag in pythons:
            parsed = parse_tag(tag)
            if parsed is None or tag != tag.lower() or parsed[0] not in IMPLEMENTATIONS or parsed[1].count(".") not in (1, 2):
                raise self.error(self.line(where, "pythons"), f"bad interpreter {tag!r} in [{where}]; expected a column tag "
                                                              "such as 3.12, 3.13t (free-threaded) or pypy3.10, or a "
                                                              "release such as 3.13.0 (a column of its own)")
        methods = self.strings(table, "start_methods", where)
        for method in methods:
            if method not in CASE_METHODS:
                raise self.error(self.line(where, "start_methods"), f"unknown start method {method!r} in [{where}]"
                                 f"{did_you_mean(method, CASE_METHODS)}; expected {', '.join(CASE_METHODS)}")
        return TargetPlatform(name, tuple(pythons), tuple(methods))

    def strings(self, table: Dict[str, Any], key: str, where: str) -> List[str]:
        value = table.get(key)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.error(self.line(where, key) if key in table else self.line(where),
                             f"[{where}] needs {key} = a non-empty list of strings, got {value!r}")
        return value
