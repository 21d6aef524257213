<?xml version="1.0" encoding="utf-8"?>
<!-- DR's system RD of reusable fragments: //procs#... -->
<resource schema="dc">
  <STREAM id="license-cc-by">
    <meta name="rights">\what is licensed under the Creative Commons Attribution 4.0
      International licence (CC-BY 4.0).</meta>
    <meta name="rights.rightsURI">https://creativecommons.org/licenses/by/4.0/</meta>
  </STREAM>
  <STREAM id="license-cc-by-sa">
    <meta name="rights">\what is licensed under the Creative Commons Attribution-ShareAlike
      4.0 International licence (CC-BY-SA 4.0).</meta>
    <meta name="rights.rightsURI">https://creativecommons.org/licenses/by-sa/4.0/</meta>
  </STREAM>
  <STREAM id="license-cc0">
    <meta name="rights">\what is dedicated to the public domain under Creative Commons
      CC0 1.0.</meta>
    <meta name="rights.rightsURI">https://creativecommons.org/publicdomain/zero/1.0/</meta>
  </STREAM>
</resource>
