<resource schema="t">
  <tabel id="main" onDisk="True"/>
</resource>
