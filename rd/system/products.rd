<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD for data products (files an RD publishes): //products#...

     A table mixing in //products#table gets DaCHS's product columns; the
     grammar feeding it applies the //products#define rowfilter, which puts the
     product's facts into each row as prodtbl* keys.  The rowmakers of such a
     table fill the product columns from those keys unless they map them
     themselves (a column's productKey property names its key), and `dr imp`
     writes one row per product into dc.products (engine/products), where
     /getproduct/<accref> finds the file.  Names, keys and defaults are
     DaCHS's. -->
<resource schema="dc">
  <meta name="description">Data products: files published by RDs.</meta>

  <!-- The product columns of a table; //products#table feeds them. -->
  <STREAM id="prodcolUsertable">
    <column name="accref" type="text" ucd="meta.ref.url" tablehead="Product key"
      verbLevel="1" displayHint="type=product"
      description="Access key for the data">
      <property name="productKey">prodtblAccref</property>
    </column>
    <column name="owner" type="text" tablehead="Owner" verbLevel="25"
      description="Owner of the data">
      <property name="productKey">prodtblOwner</property>
    </column>
    <column name="embargo" type="date" unit="a" tablehead="Embargo ends" verbLevel="25"
      displayHint="type=humanDate"
      description="Date the data will become/became public">
      <property name="productKey">prodtblEmbargo</property>
    </column>
    <column name="mime" type="text" ucd="meta.code.mime" tablehead="Type" verbLevel="20"
      description="MIME type of the file served">
      <property name="productKey">prodtblMime</property>
    </column>
    <column name="accsize" type="bigint" unit="byte" ucd="VOX:Image_FileSize"
      tablehead="File size" verbLevel="11" displayHint="type=humanSize"
      description="Size of the data in bytes">
      <property name="productKey">prodtblFsize</property>
    </column>
  </STREAM>

  <mixinDef id="table">
    <doc>A table of products: the columns accref, owner, embargo, mime and accsize.
      Its grammar needs a //products#define rowfilter; each row's product then
      goes to dc.products when the table is imported and leaves it when the table
      is dropped.  By default the accref is the file's path relative to the inputs
      directory, which is what /getproduct/ expects.  A product whose embargo
      lies in the future is restricted to the group named by owner.

      Ancillary files of catalogue rows (a galaxy's spectra, images, notes) are a
      table mixing this in with a column naming the parent row and a foreignKey
      to the catalogue; see engine/products/ancillary.py.</doc>
    <events>
      <FEED source="prodcolUsertable"/>
    </events>
  </mixinDef>

  <procDef type="rowfilter" id="define">
    <doc>Enters the product's facts into each row: prodtblAccref, prodtblOwner,
      prodtblEmbargo, prodtblPath, prodtblFsize, prodtblTable, prodtblMime,
      prodtblPreview, prodtblPreviewMime and prodtblDatalink (rowmakers may use
      them as @prodtblAccref...).  Bind table always ("\schema.main", with the
      quotes), and mime unless the files are FITS images.</doc>
    <setup>
      <par key="table" description="the table this product is managed in, as
        schema.table (a Python string)"/>
      <par key="accref" late="True" description="the access key: by default the
        input-relative path, which may only hold characters safe in URLs"
        >\inputRelativePath{False}</par>
      <par key="owner" late="True" description="for proprietary data, the group
        that owns it">None</par>
      <par key="embargo" late="True" description="for proprietary data, the date
        it becomes public">None</par>
      <par key="path" late="True" description="the path of the file, relative to
        the inputs directory (or a URL)">\inputRelativePath{True}</par>
      <par key="fsize" late="True" description="the size of the file in bytes"
        >\inputSize</par>
      <par key="mime" late="True" description="the media type of the file"
        >'image/fits'</par>
      <par key="preview" late="True" description="where the preview is: AUTO
        (made by DR from FITS images), None (no preview), a path relative to the
        inputs directory or a URL">'AUTO'</par>
      <par key="preview_mime" late="True" description="the media type of the
        preview">None</par>
      <par key="datalink" late="True" description="legacy; do not use">None</par>
    </setup>
    <code>
      row["prodtblAccref"] = accref
      row["prodtblOwner"] = owner
      row["prodtblEmbargo"] = embargo
      row["prodtblPath"] = path
      row["prodtblFsize"] = fsize
      row["prodtblTable"] = table
      row["prodtblMime"] = mime
      row["prodtblPreview"] = preview
      row["prodtblPreviewMime"] = preview_mime
      row["prodtblDatalink"] = datalink
      yield row
    </code>
  </procDef>
</resource>
