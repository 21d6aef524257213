// DR's own script for result pages (no third-party code): ticking rows for
// downloads.  The ticks of a query are kept in sessionStorage, so they survive
// paging; on submit, ticks made on other pages travel as hidden inputs.
(function () {
  "use strict";
  const form = document.getElementById("dr-selection");
  if (!form) {
    return;
  }
  const key = "dr-ticks:" + form.dataset.query;
  const count = document.getElementById("ticked-count");
  const boxes = () => Array.from(
    document.querySelectorAll('input.dr-pick[form="dr-selection"]'));
  let stored = [];
  try {
    stored = JSON.parse(sessionStorage.getItem(key) || "[]");
  } catch (e) {
    stored = [];
  }
  const ticked = new Set(stored);

  function save() {
    sessionStorage.setItem(key, JSON.stringify(Array.from(ticked)));
    count.textContent = ticked.size === 1 ? "1 row ticked" : ticked.size + " rows ticked";
  }

  function tick(box, on) {
    box.checked = on;
    if (on) {
      ticked.add(box.value);
    } else {
      ticked.delete(box.value);
    }
  }

  boxes().forEach(function (box) {
    box.checked = ticked.has(box.value);
    box.addEventListener("change", function () {
      tick(box, box.checked);
      save();
    });
  });
  document.getElementById("tick-page").addEventListener("click", function () {
    boxes().forEach(function (box) { tick(box, true); });
    save();
  });
  document.getElementById("tick-none").addEventListener("click", function () {
    boxes().forEach(function (box) { box.checked = false; });
    ticked.clear();
    save();
  });
  form.addEventListener("submit", function () {
    form.querySelectorAll("input.dr-carried").forEach(function (old) { old.remove(); });
    const here = new Set(boxes().map(function (box) { return box.value; }));
    ticked.forEach(function (value) {
      if (!here.has(value)) {
        const carried = document.createElement("input");
        carried.type = "hidden";
        carried.name = "_ACCREF";
        carried.value = value;
        carried.className = "dr-carried";
        form.appendChild(carried);
      }
    });
  });
  form.querySelector(".dr-tick-tools").hidden = false;
  save();
}());
