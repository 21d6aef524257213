"""Reading the ADQL corpus files: blank-line separated cases with ``-- key: value`` headers.

A case is a block of lines; leading lines of the form ``-- key: value`` are
its headers (``case`` names it; ``rows``/``count``/``columns`` give expected
results for valid queries; ``error`` a fragment of the expected message for
invalid ones); the remaining lines are the ADQL query, kept verbatim.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

_HEADER = re.compile(r"--\s*(case|rows|unordered|count|columns|error|sql)\s*:\s*(.*)$")
HERE = Path(__file__).parent


@dataclass
class Case:
    file: str
    line: int
    query: str
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.headers.get("case") or f"{self.file}:{self.line}"

    def rows(self) -> list[list] | None:
        if "rows" in self.headers:
            return json.loads(self.headers["rows"])
        if "unordered" in self.headers:
            return json.loads(self.headers["unordered"])
        return None


def read_cases(name: str) -> list[Case]:
    cases: list[Case] = []
    block: list[tuple[int, str]] = []
    lines = (HERE / name).read_text().splitlines() + [""]
    for number, line in enumerate(lines, start=1):
        if line.strip():
            block.append((number, line))
            continue
        if block:
            headers, body, start = {}, [], block[0][0]
            for _, text in block:
                match = _HEADER.match(text.strip()) if not body else None
                if match:
                    headers[match.group(1)] = match.group(2).strip()
                else:
                    body.append(text)
            if any(not line.lstrip().startswith("--") for line in body):
                cases.append(Case(name, start, "\n".join(body), headers))
            block = []
    return cases
