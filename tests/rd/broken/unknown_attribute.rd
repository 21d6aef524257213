<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" colour="red"/>
  </table>
</resource>
