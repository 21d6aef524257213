<resource schema="t">
  <table id="tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt" onDisk="True">
    <column name="a"/>
  </table>
</resource>
