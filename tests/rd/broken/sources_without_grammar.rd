<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <sources pattern="*.csv"/>
    <make table="main"/>
  </data>
</resource>
