<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
    <index method="btree"/>
  </table>
</resource>
