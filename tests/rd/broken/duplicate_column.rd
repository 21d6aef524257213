<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
    <column name="A"/>
  </table>
</resource>
