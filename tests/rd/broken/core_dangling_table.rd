<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <service id="s">
    <dbCore queriedTable="mane"/>
  </service>
</resource>
