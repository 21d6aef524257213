<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <column name="b"/>
    <make table="main"/>
  </data>
</resource>
