<resource schema="t">
  <table id="main" onDisk="True">
    <column name="flag" type="integer" note="1"/>
    <meta name="note" tag="2">Another column's note.</meta>
  </table>
</resource>
