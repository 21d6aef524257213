<table id="main" onDisk="True">
  <column name="a"/>
</table>
