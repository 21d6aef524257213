<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <sources pattern="data/*.nothing"/>
    <csvGrammar/>
    <make table="main"/>
  </data>
</resource>
