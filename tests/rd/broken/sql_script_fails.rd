<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <make table="main">
      <script type="preIndex">INSERT INTO \curtable VALUES ('not a number')</script>
    </make>
  </data>
</resource>
