"""Plan the matrix: every case × interpreter × start method becomes a cell (what is decided without running it, the
judge decides)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Dict, List, Mapping, Optional, Sequence, Set, Tuple

from harness import files
from harness.casefile import Case, CaseError, case_name, file_digest, find_cases, load_case
from harness.model import DEFAULT_METHOD, START_METHODS, Cell, Environment, Interpreter

# An environment is looked up by its interpreter, the requirements as the case narrows them for one variant choice
# and the case's requires-python (harness/environments.py makes them, before planning: a cell's identity holds the
# versions they resolved to).
EnvironmentKey = Tuple[str, Tuple[str, ...], str]
Environments = Mapping[EnvironmentKey, Environment]
NOT_PREPARED = Environment(error="its environment was not prepared before the cells were planned (a harness bug)")


def environment_key(interpreter: Interpreter, requirements: Sequence[str], requires_python: str = "") -> EnvironmentKey:
    return (interpreter.executable, tuple(requirements), requires_python)


@dataclass(frozen=True)
class Planned:
    """A cell to run: a case (or, when its file cannot be loaded, a stand-in carrying the error) in one cell."""

    cell: Cell
    case: Case
    error: Optional[CaseError] = None  # the case file could not be loaded: the cell is an `error` naming why


def placeholder_case(path: str, name: str = "") -> Case:
    """A case file that cannot be loaded, as a case to hang its error cells on (with its digest: --resume runs its
    cells again once it is edited)."""
    try:
        digest = file_digest(files.read_bytes(path, files.CASE_FILE_LIMIT, "case file"))
    except OSError:
        digest = ""
    return Case(name=name or case_name(path), path=path, claim="", source="", ids=(), digest=digest)


def load_cases(paths: Sequence[str]) -> Tuple[List[Case], List[Tuple[str, CaseError]]]:
    """Load every case under the paths; broken ones come back as (path, error), never as an exception."""
    files, errors = find_cases(paths)
    broken: List[Tuple[str, CaseError]] = [(e.path, e) for e in errors]
    cases: List[Case] = []
    seen: Dict[str, str] = {}
    for path in files:
        try:
            case = load_case(path)
        except CaseError as exc:
            broken.append((path, exc))
            continue
        if case.name in seen:
            broken.append((path, CaseError(path, 0, f"duplicate case name {case.name!r}: {seen[case.name]} has it too; case names must be unique")))
            continue
        seen[case.name] = path
        cases.append(case)
    return cases, broken


def case_methods(case: Case, interpreter: Interpreter, requested: Optional[Sequence[str]] = None) -> List[str]:
    """The start methods a case's cells run under with this interpreter. A case that runs under the interpreter's
    default (`start_methods = ["default"]`) does so once: when no methods are asked for, when `default` is, or when
    the interpreter's default is among those asked for (so that of tox's envs py312-fork, -spawn and -forkserver,
    exactly one runs it)."""
    wanted = list(case.start_methods) if case.start_methods is not None else list(START_METHODS)
    if not requested:
        return wanted
    chosen = [m for m in dict.fromkeys(requested) if m in wanted and m != DEFAULT_METHOD]  # in the order asked
    if DEFAULT_METHOD in wanted and (DEFAULT_METHOD in requested or interpreter.default_start_method in requested):
        chosen.append(DEFAULT_METHOD)
    return chosen


def variant_value(spec: str) -> str:
    """A varied package's value where no version was installed (its cells are unsupported): the specifier as the
    case wrote it, `1.26.*` for `==1.26.*`."""
    return spec[2:] if spec.startswith("==") and "," not in spec else spec


def case_cells(case: Case, interpreter: Interpreter, method: str, environments: Environments) -> List[Cell]:
    """A case's cells under one interpreter and start method: one per variant choice and flag value. Each variant
    holds the resolved version of every varied package (two choices that resolve alike are one cell) and the flags."""
    cells: List[Cell] = []
    seen: Set[Tuple[Tuple[str, str], ...]] = set()
    choices = case.variant_choices() if case.dependencies else [()]
    for choice in choices:
        environment = None
        variant: Tuple[Tuple[str, str], ...] = ()
        if case.dependencies:
            environment = environments.get(environment_key(interpreter, case.requirements(choice), case.script.requires_python),
                                           NOT_PREPARED)
            installed = dict(environment.packages)
            variant = tuple((name, installed.get(name) or variant_value(spec)) for name, spec in choice)
        for flags in case.flag_choices():
            if variant + flags in seen:
                continue
            seen.add(variant + flags)
            cells.append(Cell(case.name, case.path, interpreter, method, variant=variant + flags, flags=flags,
                              environment=environment))
    return cells


def plan(
    cases: Sequence[Case], broken: Sequence[Tuple[str, CaseError]], interpreters: Sequence[Interpreter],
    start_methods: Optional[Sequence[str]] = None, repeat: int = 1, environments: Optional[Environments] = None,
) -> List[Planned]:
    """Cells in interpreter order, then case, then start method, then variant (unoffered methods are planned too:
    the judge calls them `unsupported`). A case with dependencies finds its environments in `environments`."""
    planned: List[Planned] = []
    for interpreter in interpreters:
        methods = list(start_methods) if start_methods else list(START_METHODS)
        for case in cases:
            for method in case_methods(case, interpreter, start_methods):
                for cell in case_cells(case, interpreter, method, environments or {}):
                    for index in range(repeat):
                        planned.append(Planned(replace(cell, repeat_index=index), case))
        names = {case.name for case in cases}
        for path, error in broken:
            # A duplicate's name is taken by the case it duplicates: named by its path, its error cell stays its
            # own instead of merging with that case's cells (which made them `flaky`).
            case = placeholder_case(path, path if case_name(path) in names else "")
            for method in methods:
                planned.append(Planned(Cell(case.name, path, interpreter, method), case, error))
    return planned
