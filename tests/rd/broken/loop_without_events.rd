<resource schema="t">
  <table id="main" onDisk="True">
    <LOOP listItems="a b"/>
  </table>
</resource>
