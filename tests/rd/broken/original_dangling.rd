<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
    <column original="nothing" name="b"/>
  </table>
</resource>
