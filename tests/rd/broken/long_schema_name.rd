<resource schema="ssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss">
  <table id="main" onDisk="True"/>
</resource>
