<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <data id="d">
    <make table="mian"/>
  </data>
</resource>
