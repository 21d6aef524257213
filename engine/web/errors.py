"""Error documents in each protocol's own format: HTML pages, SCS and DALI VOTables."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

VOTABLE_NS = "http://www.ivoa.net/xml/VOTable/v1.3"


def _votable(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n'
            f'<VOTABLE version="1.4" xmlns="{VOTABLE_NS}">\n{body}</VOTABLE>\n'
            ).encode()


def scs_error(message: str) -> bytes:
    """SCS 1.03: a VOTable whose INFO named Error carries the message."""
    return _votable(f'  <RESOURCE type="results">\n'
                    f'    <INFO name="Error" value={quoteattr(message)}/>\n'
                    f'  </RESOURCE>\n')


def dali_error(message: str) -> bytes:
    """DALI 1.1: a VOTable with INFO QUERY_STATUS=ERROR and the message as content."""
    return _votable(f'  <RESOURCE type="results">\n'
                    f'    <INFO name="QUERY_STATUS" value="ERROR">{escape(message)}</INFO>\n'
                    f'  </RESOURCE>\n')
