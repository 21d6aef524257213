<resource schema="t">
  <table id="main table" onDisk="True">
    <column name="a"/>
  </table>
</resource>
