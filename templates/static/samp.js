// DR's SAMP Web Profile client (DR's own code): sends a table or files from the
// page to the desktop tools connected to the user's SAMP hub (TOPCAT, Aladin,
// DS9) — XML-RPC over HTTP to the hub on the user's own machine.  Buttons with
// data-samp="table" send data-url as table.load.votable; data-samp="ticked"
// sends the ticked products (image.load.fits for FITS images, else
// table.load.votable), data-samp="ticked-rows" the ticked rows' VOTable; a page may name another hub in window.DR_SAMP_HUB.
(function () {
  "use strict";
  const HUB = () => window.DR_SAMP_HUB || "http://localhost:21012/";
  let connection = null; // {key}: registered with the hub

  function value(v) {
    if (Array.isArray(v)) {
      return "<array><data>" + v.map((x) => `<value>${value(x)}</value>`).join("") +
        "</data></array>";
    }
    if (v !== null && typeof v === "object") {
      return "<struct>" + Object.entries(v).map(([k, x]) =>
        `<member><name>${escape(k)}</name><value>${value(x)}</value></member>`).join("") +
        "</struct>";
    }
    return `<string>${escape(String(v))}</string>`;
  }

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function parse(node) {
    const inner = Array.from(node.children)[0];
    if (!inner) { return node.textContent; }
    switch (inner.tagName) {
      case "struct": {
        const out = {};
        Array.from(inner.children).forEach((member) => {
          out[member.querySelector("name").textContent] =
            parse(member.querySelector(":scope > value"));
        });
        return out;
      }
      case "array":
        return Array.from(inner.querySelectorAll(":scope > data > value")).map(parse);
      default:
        return inner.textContent;
    }
  }

  async function call(method, ...params) {
    const body = '<?xml version="1.0"?><methodCall><methodName>' + method +
      "</methodName><params>" +
      params.map((p) => `<param><value>${value(p)}</value></param>`).join("") +
      "</params></methodCall>";
    const response = await fetch(HUB(), {
      method: "POST", headers: { "Content-Type": "text/xml" }, body });
    const doc = new DOMParser().parseFromString(await response.text(), "text/xml");
    const fault = doc.querySelector("fault > value");
    if (fault) {
      const detail = parse(fault);
      throw new Error(detail.faultString || "the hub refused the call");
    }
    return parse(doc.querySelector("params > param > value"));
  }

  async function connect() {
    if (connection) { return connection; }
    const answer = await call("samp.webhub.register", { "samp.name": document.title });
    connection = { key: answer["samp.private-key"] };
    await call("samp.webhub.declareMetadata", connection.key, {
      "samp.name": "DR: " + document.title,
      "samp.description.text": "A page of " + location.host,
    });
    window.addEventListener("pagehide", () => {
      if (connection) { call("samp.webhub.unregister", connection.key); }
    });
    return connection;
  }

  function absolute(url) {
    return new URL(url, location.href).href;
  }

  async function send(messages, status) {
    status.textContent = "Connecting to your SAMP hub…";
    try {
      const { key } = await connect();
      for (const message of messages) {
        await call("samp.webhub.notifyAll", key, message);
      }
      status.textContent = messages.length === 1 ? "Sent to your SAMP tools."
        : `Sent ${messages.length} messages to your SAMP tools.`;
    } catch (error) {
      connection = null;
      status.textContent = "No SAMP hub answered (start TOPCAT or Aladin and allow " +
        "this page): " + error.message;
    }
  }

  function tableMessage(url, name) {
    return { "samp.mtype": "table.load.votable",
      "samp.params": { url: absolute(url), "table-id": absolute(url), name } };
  }

  function productMessage(box) {
    const url = absolute("/getproduct/" + box.value.split("/").map(encodeURIComponent).join("/"));
    const fits = /\.fits?(\.gz)?$/i.test(box.value);
    return { "samp.mtype": fits ? "image.load.fits" : "table.load.votable",
      "samp.params": { url, [fits ? "image-id" : "table-id"]: url, name: box.value } };
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-samp]");
    if (!button) { return; }
    const status = document.getElementById(button.dataset.status || "samp-status");
    if (button.dataset.samp === "table") {
      send([tableMessage(button.dataset.url, document.title)], status);
    } else if (button.dataset.samp === "ticked-rows") {
      // the ticked rows as a VOTable: the same query, kept to their files
      const ticked = JSON.parse(sessionStorage.getItem("dr-ticks:" +
        (document.getElementById("dr-selection") || {}).dataset?.query) || "[]");
      if (!ticked.length) {
        status.textContent = "Tick the rows you want to send.";
        return;
      }
      const url = new URL(button.dataset.url, location.href);
      url.searchParams.set("_TICKED", "1");
      ticked.forEach((accref) => url.searchParams.append("_ACCREF", accref));
      send([tableMessage(url.href, document.title + " (ticked rows)")], status);
    } else {
      const ticked = Array.from(document.querySelectorAll("input.dr-pick:checked"));
      if (!ticked.length) {
        status.textContent = "Tick the rows whose files you want to send.";
        return;
      }
      send(ticked.map(productMessage), status);
    }
  });
  window.drSamp = { send, tableMessage };
}());
