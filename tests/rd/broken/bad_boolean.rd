<resource schema="t">
  <table id="main" onDisk="maybe"/>
</resource>
