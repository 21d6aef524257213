<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="float128"/>
  </table>
</resource>
