<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <sources pattern="*.rd">
      <ignoreSources fromdb="SELEKT 1"/>
    </sources>
    <csvGrammar/>
    <make table="main"/>
  </data>
</resource>
