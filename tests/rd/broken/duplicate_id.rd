<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <table id="main" onDisk="True">
    <column name="b"/>
  </table>
</resource>
