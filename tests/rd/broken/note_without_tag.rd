<resource schema="t">
  <table id="main" onDisk="True">
    <column name="flag" type="integer"/>
    <meta name="note">Which note is this?</meta>
  </table>
</resource>
