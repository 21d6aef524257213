<resource schema="my-schema">
  <table id="main" onDisk="True"/>
</resource>
