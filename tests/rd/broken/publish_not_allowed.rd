<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <service id="s" allowed="form">
    <dbCore queriedTable="main"/>
    <publish render="scs.xml" sets="local"/>
  </service>
</resource>
