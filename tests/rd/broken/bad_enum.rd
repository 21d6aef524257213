<resource schema="t">
  <table id="main" onDisk="True" adql="sometimes"/>
</resource>
