// The viewers of DR's explore pages (DR's own code): each 1-D spectrum of the page
// plotted from its SDM CSV (the SDM DataLink service's dlget), and for each FITS
// file a "channels" button opening a cube viewer — a slider over the planes the
// server renders (/getproduct/<accref>?preview=True&channel=N).
(function () {
  "use strict";

  function parseCsv(text) {
    const lines = text.trim().split(/\r?\n/);
    const header = lines.shift().split(",").map((h) => h.trim().replace(/^"|"$/g, ""));
    const x = header.findIndex((h) => h === "spectral");
    const y = header.findIndex((h) => h === "flux");
    const points = [];
    lines.forEach((line) => {
      const cells = line.split(",");
      const px = Number(cells[x < 0 ? 0 : x]);
      const py = Number(cells[y < 0 ? 1 : y]);
      if (Number.isFinite(px) && Number.isFinite(py)) { points.push([px, py]); }
    });
    return points;
  }

  function drawSpectrum(canvas, points) {
    const ctx = canvas.getContext("2d");
    const m = { left: 70, right: 12, top: 10, bottom: 30 };
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
    if (y0 === y1) { y0 -= 1; y1 += 1; }
    const w = canvas.width - m.left - m.right;
    const h = canvas.height - m.top - m.bottom;
    const px = (v) => m.left + (v - x0) / (x1 - x0 || 1) * w;
    const py = (v) => m.top + h - (v - y0) / (y1 - y0) * h;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.strokeStyle = "#444";
    ctx.strokeRect(m.left, m.top, w, h);
    ctx.font = "11px sans-serif";
    ctx.fillStyle = "#222";
    ctx.textAlign = "center";
    [x0, (x0 + x1) / 2, x1].forEach((v) => ctx.fillText(v.toPrecision(5), px(v), canvas.height - 10));
    ctx.textAlign = "right";
    [y0, (y0 + y1) / 2, y1].forEach((v) => ctx.fillText(v.toPrecision(4), m.left - 4, py(v) + 4));
    ctx.strokeStyle = "#1a4c8b";
    ctx.beginPath();
    points.forEach((p, n) => (n ? ctx.lineTo(px(p[0]), py(p[1])) : ctx.moveTo(px(p[0]), py(p[1]))));
    ctx.stroke();
    canvas.dataset.points = String(points.length);
  }

  document.querySelectorAll("figure.spectrum").forEach(async (figure) => {
    const canvas = figure.querySelector("canvas");
    const response = await fetch(figure.dataset.csv);
    if (!response.ok) {
      figure.querySelector("figcaption").append(" — not available");
      return;
    }
    drawSpectrum(canvas, parseCsv(await response.text()));
  });

  // -- cube viewer ------------------------------------------------------------------

  function openViewer(link, holder) {
    const base = link.getAttribute("href");
    holder.innerHTML = "";
    const figure = document.createElement("figure");
    figure.className = "cube-viewer";
    const image = document.createElement("img");
    image.alt = "a channel of " + link.textContent;
    const slider = document.createElement("input");
    slider.type = "range";
    slider.min = "0";
    slider.value = "0";
    slider.setAttribute("aria-label", "channel");
    const caption = document.createElement("figcaption");
    figure.append(image, slider, caption);
    holder.append(figure);

    async function show(channel) {
      const url = `${base}?preview=True&channel=${channel}`;
      const response = await fetch(url);
      if (!response.ok) {
        caption.textContent = (await response.text()).replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ").trim().slice(0, 200);
        image.hidden = true;
        slider.hidden = true;
        return;
      }
      const count = Number(response.headers.get("X-DR-Channels"));
      slider.max = String(count - 1);
      image.src = URL.createObjectURL(await response.blob());
      image.dataset.channel = String(channel);
      caption.textContent = `channel ${channel} of ${count}`;
    }

    slider.addEventListener("input", () => show(Number(slider.value)));
    show(0);
  }

  document.querySelectorAll(".related a.dr-product").forEach((link) => {
    if (!/\.fits?(\.gz)?$/i.test(link.textContent)) { return; }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "cube-open";
    button.textContent = "channels";
    button.setAttribute("aria-label", "view the channels of " + link.textContent);
    const holder = document.createElement("div");
    button.addEventListener("click", () => openViewer(link, holder));
    link.after(" ", button, holder);
  });
}());
