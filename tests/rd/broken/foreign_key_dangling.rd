<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
    <foreignKey source="a" inTable="other"/>
  </table>
</resource>
