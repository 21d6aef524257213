<resource schema="t">
  <table id="main" onDisk="True" primary="id">
    <column name="a"/>
  </table>
</resource>
