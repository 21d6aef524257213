<resource>
  <table id="main" onDisk="True"/>
</resource>
