// Tabs of DR's search pages (DR's own code): without script every panel shows;
// with it, one at a time, chosen by click or by the arrow keys (WAI-ARIA tabs).
(function () {
  "use strict";
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  if (!tabs.length) { return; }
  function show(tab, focus) {
    tabs.forEach((t) => {
      const on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) { tab.focus(); }
    history.replaceState(null, "", "#" + tab.id);
  }
  tabs.forEach((tab, n) => {
    tab.addEventListener("click", () => show(tab, false));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        show(tabs[(n + step + tabs.length) % tabs.length], true);
        event.preventDefault();
      }
    });
  });
  const asked = tabs.find((t) => "#" + t.id === location.hash);
  show(asked || tabs[0], false);
}());
