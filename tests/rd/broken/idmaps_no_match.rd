<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <sources pattern="*.csv"/>
    <csvGrammar/>
    <make table="main">
      <rowmaker idmaps="z*"/>
    </make>
  </data>
</resource>
