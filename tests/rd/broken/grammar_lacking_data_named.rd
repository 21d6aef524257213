<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d" auto="False">
    <sources pattern="*.rd"/>
    <pdsGrammar/>
    <make table="main"/>
  </data>
</resource>
