"""The procedure applications of a ``datalinkCore``: ``descriptorGenerator``,
``metaMaker``, ``dataFunction`` and ``dataFormatter`` (DaCHS's vocabulary).

DR does not run DaCHS's datalink code: the engine (engine/datalink) knows the
``//soda#…`` procedures an application names (rd/system/soda.rd documents
them) and does what they do in its own Python.  These elements only carry
what the RD says: the procDef applied and its bindings.  The one exception
is a ``metaMaker`` of the RD's own code, which only adds links: DR compiles
and runs it (rd/datalinkcode.py).
"""

from __future__ import annotations

from rd.elements.procs import ProcApp
from rd.structure import Attr, element


@element
class DescriptorGenerator(ProcApp):
    tag = "descriptorGenerator"
    doc = ("Turns the ID of a datalink request into the dataset it names "
           "(//soda#fits_genDesc, //soda#fromStandardPubDID).")
    required_type = "descriptorGenerator"


@element
class MetaMaker(ProcApp):
    tag = "metaMaker"
    doc = ("Adds parameters of the service descriptor or links to a datalink "
           "document (//soda#fits_makeWCSParams, //soda#fits_makeBANDMeta...); "
           "code of its own yields LinkDefs and DatalinkFaults for the "
           "descriptor of the dataset.")
    required_type = "metaMaker"
    attrs = ProcApp.attrs + (
        Attr("semantics", default="http://dc.g-vo.org/datalink#other",
             doc="the semantics of the links it makes (unless a LinkDef gives "
                 "its own) and of the fault row when its code fails"),
    )


@element
class DataFunction(ProcApp):
    tag = "dataFunction"
    doc = "Makes or changes the data a dlget request returns (//soda#fits_doWCSCutout...)."
    required_type = "dataFunction"


@element
class DataFormatter(ProcApp):
    tag = "dataFormatter"
    doc = "Turns the data of a dlget request into the answer (//soda#fits_formatHDUs...)."
    required_type = "dataFormatter"


PROC_CHILDREN = {"descriptorGenerator": DescriptorGenerator, "metaMaker": MetaMaker,
                 "dataFunction": DataFunction, "dataFormatter": DataFormatter}
