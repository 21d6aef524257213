<resource schema="t">
  <STREAM id="s">
    <FEED source="s"/>
  </STREAM>
  <table id="main" onDisk="True">
    <FEED source="s"/>
  </table>
</resource>
