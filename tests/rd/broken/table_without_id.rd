<resource schema="t">
  <table onDisk="True">
    <column name="a"/>
  </table>
</resource>
