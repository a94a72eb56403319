"""The grid every report draws: a row per case, a column per observed place (its Layout names and orders them), grouped
by platform and by interpreter, with what each interpreter's default start method is."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

from harness.model import CellId, Layout, Result, method_label


class Grid:
    """Cases × the places the results observed. A column of a start method the case does not run under (a case for
    threads runs under `default` alone), or of variant axes it does not have (another case's package versions and
    flags), does not apply to it, rather than being unseen there."""

    def __init__(self, results: Sequence[Result], layout: Optional[Layout] = None) -> None:
        self.layout = layout or Layout.of(results)
        self.columns: List[CellId] = list(self.layout.cells)
        self._results: Dict[Tuple[str, CellId], Result] = {(r.case.name, r.cell): r for r in results}
        self.cases: List[str] = sorted({r.case.name for r in results})
        self._methods: Dict[str, Set[str]] = {}
        self._axes: Dict[str, Set[FrozenSet[str]]] = {}  # the variant axes of each case's cells
        self._defaults: Dict[CellId, str] = {}
        for r in results:
            self._methods.setdefault(r.case.name, set()).update(r.case.start_methods)
            self._axes.setdefault(r.case.name, set()).add(_axes(r.cell))
            if r.setting.default_start_method:
                self._defaults[r.cell.interpreter()] = r.setting.default_start_method

    def result(self, case: str, column: CellId) -> Optional[Result]:
        return self._results.get((case, column))

    def applies(self, case: str, column: CellId) -> bool:
        """Whether the case runs under this column's start method, with its variant axes, at all."""
        return (column.start_method in self._methods.get(case, set())
                and _axes(column) in self._axes.get(case, {frozenset()}))

    def groups(self) -> List[Tuple[CellId, List[CellId]]]:
        """(interpreter, its columns) in matrix order."""
        out: List[Tuple[CellId, List[CellId]]] = []
        for column in self.columns:
            interpreter = column.interpreter()
            if not out or out[-1][0] != interpreter:
                out.append((interpreter, []))
            out[-1][1].append(column)
        return out

    def default_method(self, column: CellId) -> str:
        """The start method the interpreter of this column uses when none is chosen ("" when unknown)."""
        return self._defaults.get(column.interpreter(), "")

    def method_label(self, column: CellId) -> str:
        """F, S*, V, D: the column's start method, marked where it is the default."""
        return method_label(column.start_method, self.default_method(column))

    def first_of_platform(self, index: int) -> bool:
        return index == 0 or self.columns[index - 1].platform_tag != self.columns[index].platform_tag

    def first_of_interpreter(self, index: int) -> bool:
        return index == 0 or self.columns[index - 1].interpreter() != self.columns[index].interpreter()


def _axes(cell: CellId) -> FrozenSet[str]:
    return frozenset(name for name, _ in cell.variant)
