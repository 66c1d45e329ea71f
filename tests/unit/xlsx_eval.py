"""A tiny evaluator for the formulas dbv writes to Excel: numbers, same-sheet cell references,
``SUM`` over references and ranges, unary minus, ``+``, ``-``, ``*`` and brackets. Anything
else (other functions, other sheets, names) is an error, so the tests also check that the
workbook keeps to that subset."""

from __future__ import annotations

import re
from typing import Any

from openpyxl.utils.cell import column_index_from_string, range_boundaries

TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"
    r"|(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)"
    r"|(?P<fn>SUM)\("
    r"|(?P<op>[-+*(),]))"
)
CELL = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")


def tokens(formula: str) -> list[tuple[str, str]]:
    out, pos, text = [], 0, formula.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValueError(f"unsupported formula syntax at {text[pos:]!r} in {formula!r}")
        kind = m.lastgroup
        assert kind is not None
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class Evaluator:
    """Evaluates cells of one openpyxl worksheet, following references recursively."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.toks: list[tuple[str, str]] = []
        self.pos = 0
        self.cache: dict[tuple[int, int], float] = {}
        self.active: set[tuple[int, int]] = set()

    def cell(self, ref: str) -> float:
        m = CELL.fullmatch(ref)
        if m is None:
            raise ValueError(f"not a cell reference: {ref}")
        return self.at(int(m.group(2)), column_index_from_string(m.group(1)))

    def at(self, row: int, col: int) -> float:
        key = (row, col)
        if key in self.cache:
            return self.cache[key]
        if key in self.active:
            raise ValueError(f"circular reference at row {row} column {col}")
        self.active.add(key)
        v = self.ws.cell(row=row, column=col).value
        if v is None:
            out = 0.0
        elif isinstance(v, str) and v.startswith("="):
            out = self.formula(v)
        elif isinstance(v, bool) or not isinstance(v, int | float):
            raise ValueError(f"non-numeric cell at row {row} column {col}: {v!r}")
        else:
            out = float(v)
        self.active.discard(key)
        self.cache[key] = out
        return out

    def formula(self, text: str) -> float:
        if not text.startswith("="):
            raise ValueError(f"not a formula: {text!r}")
        self.toks, self.pos = tokens(text[1:]), 0
        value = self._expr()
        if self.pos != len(self.toks):
            raise ValueError(f"trailing tokens in {text!r}")
        return value

    # recursive descent; nested formula evaluation saves and restores the token state
    def _peek(self) -> tuple[str, str] | None:
        return self.toks[self.pos] if self.pos < len(self.toks) else None

    def _take(self) -> tuple[str, str]:
        tok = self._peek()
        if tok is None:
            raise ValueError("unexpected end of formula")
        self.pos += 1
        return tok

    def _expr(self) -> float:
        value = self._term()
        while (tok := self._peek()) is not None and tok[1] in "+-" and tok[0] == "op":
            self._take()
            value = value + self._term() if tok[1] == "+" else value - self._term()
        return value

    def _term(self) -> float:
        value = self._factor()
        while self._peek() == ("op", "*"):
            self._take()
            value *= self._factor()
        return value

    def _ref(self, ref: str) -> float:
        toks, pos = self.toks, self.pos
        try:
            return self.cell(ref)
        finally:
            self.toks, self.pos = toks, pos

    def _range(self, ref: str) -> list[float]:
        if ":" not in ref:
            return [self._ref(ref)]
        lo_c, lo_r, hi_c, hi_r = range_boundaries(ref.replace("$", ""))
        assert lo_c and lo_r and hi_c and hi_r
        toks, pos = self.toks, self.pos
        try:
            return [self.at(r, c) for r in range(lo_r, hi_r + 1) for c in range(lo_c, hi_c + 1)]
        finally:
            self.toks, self.pos = toks, pos

    def _factor(self) -> float:
        kind, text = self._take()
        if kind == "op" and text in "+-":
            value = self._factor()
            return -value if text == "-" else value
        if kind == "num":
            return float(text)
        if kind == "ref":
            if ":" in text:
                raise ValueError("a range outside SUM")
            return self._ref(text)
        if kind == "fn":
            total = 0.0
            while True:
                tok = self._peek()
                if tok is not None and tok[0] == "ref" and ":" in tok[1]:
                    self._take()
                    total += sum(self._range(tok[1]))
                else:
                    total += self._expr()
                sep = self._take()
                if sep == ("op", ")"):
                    return total
                if sep != ("op", ","):
                    raise ValueError(f"bad SUM argument separator {sep}")
        if (kind, text) == ("op", "("):
            value = self._expr()
            if self._take() != ("op", ")"):
                raise ValueError("unbalanced brackets")
            return value
        raise ValueError(f"unexpected token {text!r}")
