<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
    <index columns="b"/>
  </table>
</resource>
