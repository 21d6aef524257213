<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a">the magnitude</column>
  </table>
</resource>
