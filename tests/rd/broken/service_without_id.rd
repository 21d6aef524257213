<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <service allowed="form">
    <dbCore queriedTable="main"/>
  </service>
</resource>
