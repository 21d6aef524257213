<resource schema="t">
  <meta name="title">Fish &amp; chips &unknown;</meta>
</resource>
