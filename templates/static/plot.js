// DR's plots of a results table (DR's own code, a canvas, no library): a scatter
// plot of two numeric columns or a histogram of one, over the rows of the page,
// or a sky view (RA growing to the left, Dec up) of the rows' positions and
// footprints (a column of DALI polygons).
// Dragging a rectangle (a range, for a histogram) brushes rows: they are
// highlighted in the table and their tick boxes ticked, so the brushed
// sub-sample is what the download buttons fetch.  window.drPlot.attach(table,
// panel) sets a panel up; the form's results page does it on load.
(function () {
  "use strict";
  const MARGIN = { left: 64, right: 16, top: 14, bottom: 44 };
  const BINS = 20;

  function cellValue(cell) {
    if (!cell) { return NaN; }
    const raw = cell.querySelector("[data-v]");
    const text = raw ? raw.dataset.v : cell.textContent.trim();
    return text === "" ? NaN : Number(text);
  }

  function ticks(lo, hi) {
    const span = hi - lo || 1;
    const step = Math.pow(10, Math.floor(Math.log10(span / 5)));
    const nice = [1, 2, 5, 10].map((m) => m * step).find((s) => span / s <= 6) || step * 10;
    const out = [];
    for (let t = Math.ceil(lo / nice) * nice; t <= hi + nice * 1e-9; t += nice) {
      out.push(Number(t.toPrecision(12)));
    }
    return out;
  }

  function attach(table, panel) {
    const headers = Array.from(table.tHead.rows[0].cells);
    const numeric = headers.filter((th) => th.dataset.numeric === "1");
    if (!numeric.length || table.tBodies[0].rows.length < 2) {
      panel.hidden = true;
      return null;
    }
    const rows = Array.from(table.tBodies[0].rows);
    // fresh copies: a panel attached again (the console's next result) drops the
    // listeners and options of the last table
    const fresh = (selector) => {
      const old = panel.querySelector(selector);
      const copy = old.cloneNode(false);
      old.replaceWith(copy);
      return copy;
    };
    const xSelect = fresh(".plot-x");
    const ySelect = fresh(".plot-y");
    const canvas = fresh("canvas");
    const clear = panel.querySelector(".plot-clear").cloneNode(true);
    panel.querySelector(".plot-clear").replaceWith(clear);
    const status = panel.querySelector(".plot-status");
    const ctx = canvas.getContext("2d");
    const label = (th) => th.dataset.name + (th.dataset.unit ? ` [${th.dataset.unit}]` : "");
    numeric.forEach((th) => {
      xSelect.add(new Option(label(th), th.cellIndex));
      ySelect.add(new Option(label(th), th.cellIndex));
    });
    ySelect.add(new Option("histogram of x (count)", "count"));
    const byUcd = (prefix) => {
      const found = numeric.filter((th) => (th.dataset.ucd || "").startsWith(prefix));
      return found.find((th) => (th.dataset.ucd || "").includes("meta.main")) || found[0];
    };
    const ra = byUcd("pos.eq.ra");
    const dec = byUcd("pos.eq.dec");
    const footprint = headers.find((th) => th.dataset.xtype === "polygon");
    if (ra && dec) {
      xSelect.add(new Option("sky: RA and Dec" + (footprint ? ", footprints" : ""), "sky"));
    }
    if (numeric.length > 1) { ySelect.selectedIndex = 1; } else { ySelect.value = "count"; }
    panel.hidden = false;

    let scale = null;
    let drag = null;
    let lastBrush = null; // the data ranges of the last brush

    function values(index) {
      return rows.map((row) => cellValue(row.cells[index]));
    }

    function range(list) {
      const finite = list.filter(Number.isFinite);
      if (!finite.length) { return [0, 1]; }
      let lo = Math.min(...finite);
      let hi = Math.max(...finite);
      if (lo === hi) { lo -= 0.5; hi += 0.5; }
      const pad = (hi - lo) * 0.04;
      return [lo - pad, hi + pad];
    }

    function polygons() {
      if (!footprint) { return []; }
      return rows.map((row) => {
        const numbers = (row.cells[footprint.cellIndex].textContent.match(/-?[\d.]+(?:e-?\d+)?/g) || [])
          .map(Number);
        const corners = [];
        for (let i = 0; i + 1 < numbers.length; i += 2) { corners.push([numbers[i], numbers[i + 1]]); }
        return corners;
      });
    }

    function setup() {
      const sky = xSelect.value === "sky";
      ySelect.disabled = sky;
      const xs = values(sky ? ra.cellIndex : Number(xSelect.value));
      const histogram = !sky && ySelect.value === "count";
      const ys = histogram ? null : values(sky ? dec.cellIndex : Number(ySelect.value));
      const shapes = sky ? polygons() : [];
      const allX = xs.concat(...shapes.map((c) => c.map((p) => p[0])));
      let [x0, x1] = range(allX);
      if (sky) { [x0, x1] = [x1, x0]; } // RA grows to the left
      let y0 = 0;
      let y1 = 1;
      let counts = null;
      if (histogram) {
        counts = new Array(BINS).fill(0);
        xs.forEach((x) => {
          if (Number.isFinite(x)) {
            counts[Math.min(BINS - 1, Math.floor((x - x0) / (x1 - x0) * BINS))] += 1;
          }
        });
        y1 = Math.max(...counts) * 1.1 || 1;
      } else {
        [y0, y1] = range(ys.concat(...shapes.map((c) => c.map((p) => p[1]))));
      }
      const w = canvas.width - MARGIN.left - MARGIN.right;
      const h = canvas.height - MARGIN.top - MARGIN.bottom;
      scale = {
        xs, ys, counts, histogram, x0, x1, y0, y1, shapes,
        px: (x) => MARGIN.left + (x - x0) / (x1 - x0) * w,
        py: (y) => MARGIN.top + h - (y - y0) / (y1 - y0) * h,
        dx: (p) => x0 + (p - MARGIN.left) / w * (x1 - x0),
        dy: (p) => y0 + (MARGIN.top + h - p) / h * (y1 - y0),
      };
    }

    function draw() {
      const s = scale;
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      ctx.font = "12px sans-serif";
      ctx.strokeStyle = "#444";
      ctx.fillStyle = "#222";
      ctx.strokeRect(MARGIN.left, MARGIN.top, canvas.width - MARGIN.left - MARGIN.right,
        canvas.height - MARGIN.top - MARGIN.bottom);
      ctx.textAlign = "center";
      ticks(Math.min(s.x0, s.x1), Math.max(s.x0, s.x1)).forEach((t) => {
        ctx.fillText(String(t), s.px(t), canvas.height - MARGIN.bottom + 16);
      });
      const sky = xSelect.value === "sky";
      ctx.fillText(sky ? label(ra) : xSelect.selectedOptions[0].text,
        (canvas.width + MARGIN.left) / 2, canvas.height - 8);
      ctx.textAlign = "right";
      ticks(s.y0, s.y1).forEach((t) => ctx.fillText(String(t), MARGIN.left - 6, s.py(t) + 4));
      ctx.save();
      ctx.translate(14, (canvas.height - MARGIN.bottom) / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center";
      ctx.fillText(sky ? label(dec) : ySelect.selectedOptions[0].text, 0, 0);
      ctx.restore();
      ctx.strokeStyle = "#6a8fbf";
      s.shapes.forEach((corners, n) => {
        if (corners.length < 3) { return; }
        ctx.strokeStyle = rows[n].classList.contains("dr-brushed") ? "#c0392b" : "#6a8fbf";
        ctx.beginPath();
        corners.forEach((c, i) => (i ? ctx.lineTo(s.px(c[0]), s.py(c[1]))
          : ctx.moveTo(s.px(c[0]), s.py(c[1]))));
        ctx.closePath();
        ctx.stroke();
      });
      canvas.dataset.footprints = String(s.shapes.filter((c) => c.length >= 3).length);
      if (s.histogram) {
        const width = (s.x1 - s.x0) / BINS;
        s.counts.forEach((n, i) => {
          const left = s.px(s.x0 + i * width);
          ctx.fillStyle = "#5b7fb0";
          ctx.fillRect(left + 1, s.py(n), s.px(s.x0 + (i + 1) * width) - left - 2,
            s.py(0) - s.py(n));
        });
      }
      rows.forEach((row, n) => {
        const brushed = row.classList.contains("dr-brushed");
        if (s.histogram) {
          if (brushed && Number.isFinite(s.xs[n])) {
            ctx.fillStyle = "#c0392b";
            ctx.fillRect(s.px(s.xs[n]) - 1, s.py(0) - 8, 2, 8);
          }
          return;
        }
        if (!Number.isFinite(s.xs[n]) || !Number.isFinite(s.ys[n])) { return; }
        ctx.fillStyle = brushed ? "#c0392b" : "#1a4c8b";
        ctx.beginPath();
        ctx.arc(s.px(s.xs[n]), s.py(s.ys[n]), brushed ? 4 : 3, 0, 2 * Math.PI);
        ctx.fill();
      });
      if (drag && drag.to) {
        ctx.strokeStyle = "#c0392b";
        ctx.setLineDash([4, 3]);
        const top = s.histogram ? MARGIN.top : Math.min(drag.from[1], drag.to[1]);
        const height = s.histogram ? canvas.height - MARGIN.top - MARGIN.bottom
          : Math.abs(drag.to[1] - drag.from[1]);
        ctx.strokeRect(Math.min(drag.from[0], drag.to[0]), top,
          Math.abs(drag.to[0] - drag.from[0]), height);
        ctx.setLineDash([]);
      }
    }

    function brush(from, to) {
      const s = scale;
      const [xa, xb] = [s.dx(from[0]), s.dx(to[0])].sort((a, b) => a - b);
      const [ya, yb] = [s.dy(from[1]), s.dy(to[1])].sort((a, b) => a - b);
      let count = 0;
      rows.forEach((row, n) => {
        const x = s.xs[n];
        const inside = Number.isFinite(x) && x >= xa && x <= xb && (s.histogram
          || (Number.isFinite(s.ys[n]) && s.ys[n] >= ya && s.ys[n] <= yb));
        row.classList.toggle("dr-brushed", inside);
        const box = row.querySelector("input.dr-pick");
        if (box && box.checked !== inside) {
          box.checked = inside;
          box.dispatchEvent(new Event("change"));
        }
        count += inside ? 1 : 0;
      });
      status.textContent = count === 1 ? "1 row brushed" : `${count} rows brushed`;
      lastBrush = { x: [xa, xb], y: s.histogram ? null : [ya, yb] };
    }

    function at(event) {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * canvas.width / box.width,
        (event.clientY - box.top) * canvas.height / box.height];
    }

    canvas.addEventListener("mousedown", (event) => { drag = { from: at(event) }; });
    canvas.addEventListener("mousemove", (event) => {
      if (drag) { drag.to = at(event); draw(); }
    });
    window.addEventListener("mouseup", (event) => {
      if (!drag) { return; }
      const to = at(event);
      if (Math.abs(to[0] - drag.from[0]) > 2) { brush(drag.from, to); }
      drag = null;
      draw();
    });
    clear.addEventListener("click", () => {
      rows.forEach((row) => {
        row.classList.remove("dr-brushed");
        const box = row.querySelector("input.dr-pick");
        if (box && box.checked) {
          box.checked = false;
          box.dispatchEvent(new Event("change"));
        }
      });
      status.textContent = "";
      draw();
    });
    [xSelect, ySelect].forEach((select) => select.addEventListener("change", () => {
      setup();
      draw();
    }));
    setup();
    draw();
    return {
      lastBrush: () => lastBrush,
      toPixel: (x, y) => {
        const box = canvas.getBoundingClientRect();
        return [box.left + scale.px(x) * box.width / canvas.width,
          box.top + scale.py(y) * box.height / canvas.height];
      },
    };
  }

  window.drPlot = { attach };
  const panel = document.getElementById("plot");
  const table = document.querySelector("#results table.results");
  if (panel && table) {
    window.drPlot.current = attach(table, panel);
  }
}());
