<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <make table="main">
      <script type="whenever">SELECT 1</script>
    </make>
  </data>
</resource>
