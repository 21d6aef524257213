<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a"/>
  </table>
  <service id="s" allowed="form,frm">
    <dbCore queriedTable="main"/>
  </service>
</resource>
