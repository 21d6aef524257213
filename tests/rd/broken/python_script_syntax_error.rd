<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <make table="main">
      <script type="postCreation" lang="python">
        for row in table.query("SELECT 1")
          print(row)
      </script>
    </make>
  </data>
</resource>
