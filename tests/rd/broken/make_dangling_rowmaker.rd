<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <data id="d">
    <sources pattern="*.csv"/>
    <csvGrammar/>
    <make table="main" rowmaker="rm"/>
  </data>
</resource>
