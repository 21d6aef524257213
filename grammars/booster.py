"""Reading a DaCHS C booster's source for the record layout it describes, without compiling it.

``dachs mkboost`` writes a C function ``getTuple`` with one statement per
field, which publishers complete (column positions for ``col``, byte
offsets for ``bin``) and sometimes extend.  DR runs no C: it recognises the
statements mkboost writes, completed, and from them learns where each field
is.  Any other statement in ``getTuple`` (a unit conversion, say) is a
:class:`BoosterError` naming the booster's file and line, since DR could
only get such a field wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rd.errors import RDError

_IDENT = r"fi_(\w+)"
_FIELD = rf"F\s*\(\s*{_IDENT}\s*\)"
_STRING = r'"((?:[^"\\]|\\.)*)"'
_INT = r"(\d+)"

# split: the field separator, the field values
_STRTOK_FIRST = re.compile(rf"curCont\s*=\s*strtok\s*\(\s*inputLine\s*,\s*{_STRING}\s*\)$")
_STRTOK_NEXT = re.compile(rf"curCont\s*=\s*strtok\s*\(\s*NULL\s*,\s*{_STRING}\s*\)$")
_FIELDSCANF = re.compile(
    rf"fieldscanf\s*\(\s*curCont\s*,\s*{_IDENT}\s*,\s*VAL_(\w+)\s*(?:,\s*{_STRING}\s*)?\)$")
_TEXT_PARTS = re.compile(
    rf"{_FIELD}\s*->\s*(?:type\s*=\s*VAL_TEXT|length\s*=\s*strlen\s*\(\s*curCont\s*\)"
    rf"|val\.c_ptr\s*=\s*curCont)$")
# col: parseInt(inputLine, F(fi_x), start, len) and relatives
_PARSE_SPAN = re.compile(
    rf"parse(Int|Bigint|Float|Double|String|FloatWithMagicNULL|StringWithMagicNULL)\s*\("
    rf"\s*inputLine\s*,\s*{_FIELD}\s*,\s*(\w+)\s*,\s*(\w+)\s*(?:,\s*\w+\s*)?"
    rf"(?:,\s*{_STRING}\s*)?\)$")
_PARSE_CHAR = re.compile(
    rf"parse(BlankBoolean|Char)\s*\(\s*inputLine\s*,\s*{_FIELD}\s*,\s*(\w+)\s*\)$")
# bin: MAKE_INT(fi_x, *(int32_t*)(inputLine+12)), optionally byte-swapped
_SWAPS = {"ntohl": ">", "ntohs": ">", "be16toh": ">", "be32toh": ">", "be64toh": ">",
          "le16toh": "<", "le32toh": "<", "le64toh": "<"}
_MAKE_BIN = re.compile(
    rf"MAKE_(\w+)\s*\(\s*{_IDENT}\s*,\s*(?:(\w+)\s*\(\s*)?\*\s*\(\s*([\w ]+?)\s*\*\s*\)"
    rf"\s*\(\s*inputLine\s*\+\s*(\w*)\s*\)\s*\)?\s*(?:,\s*'(.)'\s*)?\)$")
# fits: MAKE_DOUBLE(fi_x, ((double*)(data[3]))[rowIndex]) under if (nulls[3][rowIndex])
_MAKE_FITS = re.compile(
    rf"MAKE_\w+\s*\(\s*{_IDENT}\s*,\s*\(\s*\(\s*[\w ]+\*\s*\)\s*\(\s*data\s*\[\s*{_INT}"
    rf"\s*\]\s*\)\s*\)\s*\[\s*rowIndex\s*\]\s*\)$")
_IF_NULL = re.compile(rf"if\s*\(\s*nulls\s*\[\s*{_INT}\s*\]\s*\[\s*rowIndex\s*\]\s*\)$")
_MAKE_NULL = re.compile(rf"MAKE_NULL\s*\(\s*{_IDENT}\s*\)$")
_SKIPPED = re.compile(  # declarations, else, return vals
    r"((static\s+)?(Field|char|int|short|long|float|double)\s+\**\s*\w+(\s*\[\s*\w*\s*\])?"
    r"|return\s+vals|else)$")

C_TYPES = {
    "char": "i1", "signed char": "i1", "int8_t": "i1", "unsigned char": "u1",
    "uint8_t": "u1", "short": "i2", "int16_t": "i2", "unsigned short": "u2",
    "uint16_t": "u2", "int": "i4", "int32_t": "i4", "unsigned int": "u4", "uint32_t": "u4",
    "long long": "i8", "int64_t": "i8", "uint64_t": "u8", "float": "f4", "double": "f8",
}


class BoosterError(RDError):
    """The booster source says something DR cannot read without running C."""


@dataclass(frozen=True)
class TextField:
    """A field of a split or col booster: where it is and how it is parsed."""

    position: int  # split: token index; col: 0-based character offset
    length: int  # col: characters (0 for split)
    kind: str  # INT, FLOAT, TEXT, CHAR, DATE, ... (VAL_ names or parse* names)
    null: str | None = None  # a value meaning NULL (the MagicNULL argument)
    date_format: str | None = None


@dataclass(frozen=True)
class BinField:
    """A field of a bin booster: byte offset and numpy type (with byte order)."""

    offset: int
    dtype: str
    null_char: str | None = None


@dataclass
class BoosterLayout:
    """What a booster source says: its fields, in order, and where each comes from."""

    path: Path
    fields: list[str]  # lower-case, without fi_, in the order of enum outputFields
    split_char: str | None = None
    text: dict[str, TextField] = field(default_factory=dict)
    binary: dict[str, BinField] = field(default_factory=dict)
    fits: dict[str, int] = field(default_factory=dict)  # field -> FITS column (0-based)
    nulls: set[str] = field(default_factory=set)


def _blank_comments(source: str) -> str:
    """``source`` with comments replaced by blanks, keeping line breaks (and lines)."""
    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"',
                  lambda m: m.group() if m.group().startswith('"') else blank(m),
                  source, flags=re.DOTALL)


_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|[;{}]|[^"\';{}]+|["\']')


def _statements(body: str, first_line: int) -> list[tuple[int, str]]:
    """(line, text) of the statements of a C block, split at ; { and } outside strings."""
    out: list[tuple[int, str]] = []
    current, start, line = "", first_line, first_line
    for token in _TOKENS.finditer(body):
        text = token.group()
        if text in (";", "{", "}"):
            if current.strip():
                out.append((start, " ".join(current.split())))
            current = ""
        else:
            if not current.strip() and text.strip():
                start = line + text[:len(text) - len(text.lstrip())].count("\n")
            current += text
        line += text.count("\n")
    if current.strip():
        out.append((start, " ".join(current.split())))
    return out


def _get_tuple_body(source: str, path: Path) -> tuple[str, int]:
    match = re.search(r"\bgetTuple\s*\([^)]*\)\s*\{", source)
    if match is None:
        raise BoosterError(f"{path} has no getTuple function, so it is not a DaCHS booster")
    depth, pos = 1, match.end()
    while depth and pos < len(source):
        depth += {"{": 1, "}": -1}.get(source[pos], 0)
        pos += 1
    return source[match.end():pos - 1], source.count("\n", 0, match.end()) + 1


def _enum_fields(source: str, path: Path) -> list[str]:
    match = re.search(r"enum\s+outputFields\s*\{([^}]*)\}", source)
    if match is None:
        raise BoosterError(f"{path} has no 'enum outputFields', so it is not a DaCHS "
                           "booster")
    names = []
    for item in match.group(1).split(","):
        name = item.split("=")[0].strip()
        if name:
            names.append(name[3:].lower() if name.startswith("fi_") else name.lower())
    return names


def read_booster(path: Path, kind: str) -> BoosterLayout:
    """The layout of the ``kind`` (split, col, bin, fits) booster at ``path``."""
    try:
        source = _blank_comments(path.read_text(encoding="utf-8", errors="replace"))
    except OSError as exc:
        raise BoosterError(f"cannot read the booster {path}: {exc.strerror or exc}") from None
    layout = BoosterLayout(path, _enum_fields(source, path))
    body, first_line = _get_tuple_body(source, path)
    reader = _StatementReader(layout, kind)
    for line, text in _statements(body, first_line):
        try:
            reader.read(text)
        except _Unreadable as exc:
            raise BoosterError(
                f"{path}:{line}: DR runs no C; it reads boosters as dachs mkboost writes "
                f"them, completed, and cannot follow {text[:80]!r}{exc.args[0]}",
                hint="describe the input with a grammar DR has (csvGrammar, columnGrammar, "
                     "fitsTableGrammar, ...) and put the computation into a rowmaker"
            ) from None
    unknown = [name for name in layout.fields if name not in reader.seen]
    if unknown:
        raise BoosterError(f"{path}: getTuple never fills {', '.join(unknown)}, which "
                           "enum outputFields declares")
    return layout


class _Unreadable(Exception):
    """A statement DR does not recognise; the argument adds a reason (or "")."""


@dataclass
class _StatementReader:
    """Recognises the statements of one kind of booster, filling in the layout."""

    layout: BoosterLayout
    kind: str
    position: int = -1  # split: the token curCont holds
    seen: set[str] = field(default_factory=set)

    def _field(self, name: str) -> str:
        name = name.lower()
        if name not in self.layout.fields:
            raise _Unreadable(f" (fi_{name} is not in enum outputFields)")
        self.seen.add(name)
        return name

    def read(self, text: str) -> None:
        if _SKIPPED.match(text):
            return
        if match := _MAKE_NULL.match(text):
            self.layout.nulls.add(self._field(match.group(1)))
            return
        getattr(self, f"_{self.kind}")(text)

    def _split(self, text: str) -> None:
        if match := _STRTOK_FIRST.match(text):
            self.position = 0
            self.layout.split_char = match.group(1).encode().decode("unicode_escape")
        elif _STRTOK_NEXT.match(text):
            self.position += 1
        elif self.position < 0:
            raise _Unreadable(" before the first strtok")
        elif match := _FIELDSCANF.match(text):
            name = self._field(match.group(1))
            self.layout.text[name] = TextField(self.position, 0, match.group(2),
                                               date_format=match.group(3))
        elif match := _TEXT_PARTS.match(text):
            name = self._field(match.group(1))
            self.layout.text[name] = TextField(self.position, 0, "TEXT")
        else:
            raise _Unreadable("")

    def _col(self, text: str) -> None:
        if match := _PARSE_SPAN.match(text):
            kind, name, start, length, magic = match.groups()
            if not (start.isdigit() and length.isdigit()):
                raise _Unreadable(" (the start and length of the field are not filled in)")
            self.layout.text[self._field(name)] = TextField(
                int(start), int(length), kind.replace("WithMagicNULL", "").upper(), magic)
        elif match := _PARSE_CHAR.match(text):
            kind, name, index = match.groups()
            if not index.isdigit():
                raise _Unreadable(" (the character index is not filled in)")
            self.layout.text[self._field(name)] = TextField(int(index), 1, kind.upper())
        else:
            raise _Unreadable("")

    def _bin(self, text: str) -> None:
        match = _MAKE_BIN.match(text)
        if match is None:
            raise _Unreadable("")
        maker, name, swap, c_type, offset, null_char = match.groups()
        if not offset.isdigit():
            raise _Unreadable(" (the byte offset is not filled in)")
        c_type = " ".join(c_type.split())
        if c_type not in C_TYPES or (swap is not None and swap not in _SWAPS):
            raise _Unreadable(f" (DR does not know {swap or c_type!r})")
        dtype = C_TYPES[c_type]
        if swap is not None:
            dtype = _SWAPS[swap] + dtype
        elif dtype[1:] != "1":
            dtype = "=" + dtype
        if maker.startswith("CHAR"):
            dtype = "S1"
        self.layout.binary[self._field(name)] = BinField(int(offset), dtype, null_char)

    def _fits(self, text: str) -> None:
        if _IF_NULL.match(text):
            return
        match = _MAKE_FITS.match(text)
        if match is None:
            raise _Unreadable("")
        self.layout.fits[self._field(match.group(1))] = int(match.group(2))
