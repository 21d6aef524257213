<resource schema="t">
  <table id="main" onDisk="True">
    <column name="2mass" type="real"/>
  </table>
</resource>
