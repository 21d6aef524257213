<resource schema="t">
  <table id="main" onDisk="True">
  </tabel>
</resource>
