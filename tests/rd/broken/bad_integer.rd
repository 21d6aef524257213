<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" verbLevel="high"/>
  </table>
</resource>
