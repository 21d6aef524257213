"""SIA 2.0 over ivoa.obscore: its parameters read with DALI's rules and turned into SQL.

Every SIA 2.0 parameter may be given several times; the values of one
parameter are ORed, different parameters ANDed (SIA 2.0 §2.1).  Numbers are
in ObsCore's units (BAND in metres, TIME in MJD, FOV in degrees, SPATRES in
arcsec, EXPTIME and TIMERES in seconds); intervals are DALI 1.1's ``lo hi``
with ``-Inf``/``+Inf`` for open ends, and one number means that value.

POS matches an observation whose footprint (``s_region``) overlaps the
region, or, for those without a footprint, whose centre lies in it.  The
conditions are written on the view's columns exactly as ivoa.obscore's
indexes expect them (``s_region && region`` for the footprint index,
``spoint(radians(s_ra), radians(s_dec)) <@ region`` for the position index,
see engine/obscore/sources.py), so PostgreSQL uses each contributing table's
index behind the view.

An RD declares the parameters as condDescs (``//siap2#parameters``); a
condDesc of a SIA 2 service whose inputKey bears one of the names below is
that parameter, and :class:`SIA2Service` binds them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from engine.db.metadata import served_metadata
from engine.errors import ProtocolError
from engine.obscore import served_table
from engine.obscore.definition import SOURCES, VIEW
from engine.services.conddescs import BoundCondDesc, Context, InputField
from engine.services.core import BoundService
from engine.services.params import Params, shown
from engine.services.vizier import Condition
from rd.elements.resource import Resource
from rd.elements.service import CondDesc, Service
from rd.elements.table import Table
from rd.loader import load_rd_file
from rd.reader import SYSTEM_DIR

SYSTEM_RD_ID = "__system__/siap2"  # DaCHS's: /__system__/siap2/sitewide/siap2.xml

POL_STATES = ("I", "Q", "U", "V", "RR", "LL", "RL", "LR", "XX", "YY", "XY", "YX",
              "POLI", "POLA")
MAX_VALUES = 100  # values of one parameter a query may give
MAX_VERTICES = 200  # of one POLYGON


@dataclass(frozen=True)
class Parameter:
    """A SIA 2.0 parameter: how it reads (``kind``) and the ObsCore column(s) it tests."""

    name: str
    kind: str  # pos, overlap, within, text, integer, pol
    columns: tuple[str, ...]
    hint: str = ""


PARAMETERS: dict[str, Parameter] = {p.name: p for p in (
    Parameter("POS", "pos", ("s_region", "s_ra", "s_dec"),
              "CIRCLE ra dec radius, RANGE ra1 ra2 dec1 dec2 or POLYGON ra1 dec1 ra2 "
              "dec2 ra3 dec3…, in degrees (ICRS); e.g. CIRCLE 150 2 0.5"),
    Parameter("BAND", "overlap", ("em_min", "em_max"),
              "wavelength in metres, one value or an interval: 4e-7 5e-7, 6e-7 +Inf"),
    Parameter("TIME", "overlap", ("t_min", "t_max"),
              "MJD, one value or an interval: 59000 59100, -Inf 59000"),
    Parameter("POL", "pol", ("pol_states",), "a polarisation state: " + " ".join(POL_STATES)),
    Parameter("FOV", "within", ("s_fov",), "degrees, an interval: 0.1 1, 0.5 +Inf"),
    Parameter("SPATRES", "within", ("s_resolution",), "arcsec, an interval: 0 1.5"),
    Parameter("EXPTIME", "within", ("t_exptime",), "seconds, an interval: 300 +Inf"),
    Parameter("TIMERES", "within", ("t_resolution",), "seconds, an interval: 0 10"),
    Parameter("SPECRP", "within", ("em_res_power",), "λ/Δλ, an interval: 1000 +Inf"),
    Parameter("ID", "text", ("obs_publisher_did",), "a publisher DID, exactly"),
    Parameter("COLLECTION", "text", ("obs_collection",), "a collection name, exactly"),
    Parameter("FACILITY", "text", ("facility_name",), "a telescope or facility, exactly"),
    Parameter("INSTRUMENT", "text", ("instrument_name",), "an instrument, exactly"),
    Parameter("DPTYPE", "text", ("dataproduct_type",), "image or cube"),
    Parameter("CALIB", "integer", ("calib_level",), "calibration level, 0 to 4"),
    Parameter("TARGET", "text", ("target_name",), "a target name, exactly"),
    Parameter("FORMAT", "text", ("access_format",), "a media type, e.g. image/fits"),
)}

_NUMBER = {"-inf": -math.inf, "+inf": math.inf, "inf": math.inf}


def _number(name: str, word: str, raw: str) -> float:
    value = _NUMBER.get(word.lower())
    if value is not None:
        return value
    try:
        value = float(word)
    except ValueError:
        raise ProtocolError(f"{name}: {shown(word)} in {shown(raw)} is not a number",
                            param=name) from None
    if math.isnan(value) or math.isinf(value):
        raise ProtocolError(f"{name}: write open ends as -Inf or +Inf, not {shown(word)}",
                            param=name)
    return value


def parse_interval(name: str, raw: str) -> tuple[float, float]:
    """A DALI interval ``lo hi`` (or one number, meaning that value); ends may be
    -Inf/+Inf."""
    words = raw.split()
    if len(words) not in (1, 2):
        raise ProtocolError(f"{name} must be one number or an interval of two "
                            f"(lo hi, -Inf/+Inf for open ends), not {shown(raw)}",
                            param=name)
    values = [_number(name, w, raw) for w in words]
    lo, hi = values[0], values[-1]
    if len(values) == 1 and math.isinf(lo):
        raise ProtocolError(f"{name}: a single value must be finite, not {shown(raw)}",
                            param=name)
    if lo > hi:
        raise ProtocolError(f"{name}: the interval's lower end is above its upper end "
                            f"in {shown(raw)}", param=name)
    return lo, hi


def _finite(name: str, words: list[str], raw: str) -> list[float]:
    values = [_number(name, w, raw) for w in words]
    if any(math.isinf(v) for v in values):
        raise ProtocolError(f"{name}: only RANGE may have -Inf or +Inf, not {shown(raw)}",
                            param=name)
    return values


def _latitude(name: str, lat: float, raw: str) -> None:
    if not -90 <= lat <= 90:
        raise ProtocolError(f"{name}: latitude {lat:g} is outside -90..90 in {shown(raw)}",
                            param=name)


def parse_pos(name: str, raw: str, key: str) -> Condition:
    """A POS value (CIRCLE, RANGE or POLYGON, degrees) as the SQL of a pgsphere region
    and its placeholder values (names starting with ``key``)."""
    shape, *words = raw.split() or [""]
    shape = shape.upper()
    if shape == "CIRCLE":
        if len(words) != 3:
            raise ProtocolError(f"{name}: a CIRCLE is ra dec radius, not {shown(raw)}",
                                param=name)
        ra, dec, radius = _finite(name, words, raw)
        _latitude(name, dec, raw)
        if radius < 0 or radius > 180:
            raise ProtocolError(f"{name}: a CIRCLE's radius must be 0..180 degrees, not "
                                f"{radius:g}", param=name)
        if radius > 90:
            if radius < 180:  # pg_sphere's circles end at 90 degrees
                raise ProtocolError(f"{name}: circles wider than 90 degrees are not "
                                    "supported (180 means the whole sky)", param=name)
            return Condition("", {})  # the whole sky
        values = {f"{key}_ra": ra % 360, f"{key}_dec": dec, f"{key}_r": radius}
        return Condition(f"scircle(spoint(radians(%({key}_ra)s), radians(%({key}_dec)s)), "
                         f"radians(%({key}_r)s))", values)
    if shape == "RANGE":
        if len(words) != 4:
            raise ProtocolError(f"{name}: a RANGE is ra1 ra2 dec1 dec2, not {shown(raw)}",
                                param=name)
        numbers = [_number(name, w, raw) for w in words]
        # Open ends reach the edges of the sky.
        ra1, ra2 = (min(max(v, 0.0), 360.0) if math.isinf(v) else v for v in numbers[:2])
        dec1, dec2 = (min(max(v, -90.0), 90.0) if math.isinf(v) else v
                      for v in numbers[2:])
        if not (0 <= ra1 <= ra2 <= 360) or not (-90 <= dec1 <= dec2 <= 90):
            raise ProtocolError(f"{name}: a RANGE needs 0 <= ra1 <= ra2 <= 360 and "
                                f"-90 <= dec1 <= dec2 <= 90, not {shown(raw)}", param=name)
        if ra2 - ra1 >= 360 and dec1 <= -90 and dec2 >= 90:
            return Condition("", {})  # the whole sky
        values = {f"{key}_ra1": ra1, f"{key}_ra2": ra2, f"{key}_dec1": dec1,
                  f"{key}_dec2": dec2}
        return Condition(f"sbox(spoint(radians(%({key}_ra1)s), radians(%({key}_dec1)s)), "
                         f"spoint(radians(%({key}_ra2)s), radians(%({key}_dec2)s)))",
                         values)
    if shape == "POLYGON":
        if len(words) < 6 or len(words) % 2 or len(words) > 2 * MAX_VERTICES:
            raise ProtocolError(f"{name}: a POLYGON is 3 to {MAX_VERTICES} vertices "
                                f"(ra dec pairs), not {shown(raw)}", param=name)
        numbers = _finite(name, words, raw)
        for dec in numbers[1::2]:
            _latitude(name, dec, raw)
        vertices = ",".join(f"({ra % 360!r}d,{dec!r}d)"
                            for ra, dec in zip(numbers[::2], numbers[1::2]))
        return Condition(f"CAST(%({key}_poly)s AS spoly)", {f"{key}_poly": "{" + vertices
                                                            + "}"})
    raise ProtocolError(f"{name} must be CIRCLE, RANGE or POLYGON followed by numbers "
                        f"(degrees), not {shown(raw)}", param=name)


def _pos_condition(region: str) -> str:
    """Observations overlapping ``region``: by footprint, or by centre where there is no
    footprint; each written the way the view's indexes are built.  ``IS NOT NULL``
    lets PostgreSQL fold the footprint test away (to false, not NULL) in the parts
    of the view whose tables have no footprint, so their position index serves."""
    return (f"((s_region && {region} AND s_region IS NOT NULL) OR (s_region IS NULL "
            f"AND spoint(radians(s_ra), radians(s_dec)) <@ {region}))")


def _one(param: Parameter, raw: str, key: str) -> Condition:
    """The condition one value of ``param`` means."""
    name, kind = param.name, param.kind
    if kind == "pos":
        region = parse_pos(name, raw, key)
        return region if not region.sql else Condition(_pos_condition(region.sql),
                                                       region.values)
    if kind in ("overlap", "within"):
        lo, hi = parse_interval(name, raw)
        low_col, high_col = param.columns[0], param.columns[-1]
        parts, values = [], {}
        if not math.isinf(hi):
            parts.append(f"{low_col} <= %({key}_hi)s")
            values[f"{key}_hi"] = hi
        if not math.isinf(lo):
            parts.append(f"{high_col} >= %({key}_lo)s")
            values[f"{key}_lo"] = lo
        if not parts:  # (-Inf, +Inf): any value
            parts.append(f"{low_col} IS NOT NULL")
        return Condition("(" + " AND ".join(parts) + ")", values)
    if kind == "pol":
        state = raw.strip().upper()
        if state not in POL_STATES:
            raise ProtocolError(f"POL must be one of {', '.join(POL_STATES)}, not "
                                f"{shown(raw)}", param=name)
        return Condition(f"pol_states LIKE %({key})s", {key: f"%/{state}/%"})
    raise AssertionError(kind)


def condition(param: Parameter, raws: list[str], key: str) -> Condition | None:
    """The condition the values ``raws`` of ``param`` mean together (ORed); None when
    none is given."""
    raws = [r.strip() for r in raws if r.strip()]
    if not raws:
        return None
    if len(raws) > MAX_VALUES:
        raise ProtocolError(f"{param.name} was given {len(raws)} times; at most "
                            f"{MAX_VALUES}", param=param.name)
    column = param.columns[0]
    if param.kind == "text":
        return Condition(f"{column} = ANY(%({key})s)", {key: sorted(set(raws))})
    if param.kind == "integer":
        levels = []
        for raw in raws:
            if not re.fullmatch(r"[+-]?\d{1,9}", raw):
                raise ProtocolError(f"{param.name} must be a whole number, not "
                                    f"{shown(raw)}", param=param.name)
            levels.append(int(raw))
        return Condition(f"{column} = ANY(%({key})s)", {key: sorted(set(levels))})
    parts, values = [], {}
    for number, raw in enumerate(raws):
        one = _one(param, raw, f"{key}_{number}")
        if not one.sql:
            return Condition("TRUE", {})  # the whole sky: nothing to test
        parts.append(one.sql)
        values.update(one.values)
    sql = parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"
    return Condition(sql, values)


def conditions(params: Params) -> list[Condition]:
    """The conditions of every SIA 2.0 parameter in ``params`` (to be ANDed); raises
    ProtocolError, naming the parameter, for a bad value."""
    found = []
    for name, param in PARAMETERS.items():
        cond = condition(param, params.all(name), "sia2_" + name.lower())
        if cond is not None:
            found.append(cond)
    return found


class SIA2CondDesc(BoundCondDesc):
    """A condDesc standing for one SIA 2.0 parameter (its inputKey gives the name)."""

    def __init__(self, desc: CondDesc, table: Table, param: Parameter) -> None:
        super().__init__(desc, table)
        self.param = param
        self.key = desc.input_keys[0]

    def fields(self) -> list[InputField]:
        return [InputField(self.param.name, self.key.tablehead or self.param.name,
                           self.key.description, self.key.unit,
                           required=self.desc.required, hint=self.param.hint)]

    def condition(self, params: Params, ctx: Context) -> Condition | None:
        found = condition(self.param, params.all(self.param.name),
                          "sia2_" + self.param.name.lower())
        if found is None and self.desc.required:
            raise ProtocolError(f"{self.param.name} is required", param=self.param.name)
        return found


def sia2_parameter(desc: CondDesc) -> Parameter | None:
    """The SIA 2.0 parameter a condDesc declares, if it declares one."""
    keys = desc.input_keys
    if desc.build_from or desc.kind != "column" or len(keys) != 1:
        return None
    return PARAMETERS.get(keys[0].name.upper())


def is_sia2_service(service: Service, table: Table) -> bool:
    """Whether ``service`` queries ivoa.obscore (``table``, its queried table) through
    SIA 2.0 condDescs."""
    core = service.resolve_core()
    return (table.qualified_name.lower() == VIEW
            and any(sia2_parameter(d) is not None for d in core.cond_descs))


class SIA2Service(BoundService):
    """A service over ivoa.obscore (with the site's extra columns) whose SIA 2.0
    condDescs are bound to :data:`PARAMETERS`; other condDescs bind as usual."""

    def __init__(self, rd: Resource, service: Service, obscore: Table,
                 dc_row: dict | None, options: dict[str, list[str]] | None = None
                 ) -> None:
        # The served ivoa.obscore: RD tables cannot carry the site's extra columns.
        super().__init__(rd, service, options, served_metadata(obscore, dc_row),
                         table=obscore)

    def _bind(self, desc: CondDesc, options: dict[str, list[str]]) -> BoundCondDesc:
        # SIA 2 condDescs have no buildFrom, which the generic binding refuses.
        param = sia2_parameter(desc)
        if param is not None:
            return SIA2CondDesc(desc, self.table, param)
        return super()._bind(desc, options)


def system_rd() -> Resource:
    """rd/system/siap2.rd: the SIA 2 parameters and the site-wide service."""
    return load_rd_file(SYSTEM_DIR / "siap2.rd", SYSTEM_RD_ID)


def has_contributors(conn) -> bool:
    """Whether any table publishes into ivoa.obscore (which must exist)."""
    with conn.cursor() as cur:
        cur.execute(f"SELECT EXISTS (SELECT 1 FROM {SOURCES})")
        return bool(cur.fetchone()[0])


def bind(rd: Resource, service: Service, conn, imported: dict[str, dict],
         options: dict[str, list[str]] | None = None) -> SIA2Service | None:
    """``service`` bound over ivoa.obscore as it is now (``imported``: the dc.tables
    rows by table name); None when DR's system schema has no ivoa.obscore."""
    table = served_table(conn)
    if table is None:
        return None
    return SIA2Service(rd, service, table, imported.get(VIEW), options)
