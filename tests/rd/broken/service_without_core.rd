<resource schema="t">
  <service id="s" allowed="form"/>
</resource>
