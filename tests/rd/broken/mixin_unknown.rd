<resource schema="t">
  <table id="main" onDisk="True" mixin="//scs#nothing">
    <column name="a"/>
  </table>
</resource>
