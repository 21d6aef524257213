<resource schema="t">
  <table id="main" onDisk="True">
    <FEED source="nowhere"/>
  </table>
</resource>
