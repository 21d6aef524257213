<resource schema="t">
  <table id="main" onDisk="True">
    <column name="a" type="integer"/>
  </table>
  <data id="d">
    <make table="main">
      <script type="postCreation" lang="python">
        table.query("SELECT * FROM nowhere")
      </script>
    </make>
  </data>
</resource>
