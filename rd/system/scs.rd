<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for positions and cone search: //scs#... -->
<resource schema="dc">
  <meta name="description">Position indexing and cone search support.</meta>

  <mixinDef id="pgs-pos-index">
    <!-- A pgsphere GiST index on spoint(radians(ra), radians(dec)) over the
         columns with UCDs pos.eq.ra;meta.main and pos.eq.dec;meta.main.
         //scs#q3cindex (DaCHS's q3c index) maps to this mixin. -->
    <events>
      <index kind="position"/>
    </events>
  </mixinDef>
</resource>
