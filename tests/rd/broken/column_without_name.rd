<resource schema="t">
  <table id="main" onDisk="True">
    <column type="real" unit="deg"/>
  </table>
</resource>
