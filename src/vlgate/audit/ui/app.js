// vlgate audit review page: plain JS, no build step, no CDN. All record text is
// inserted with textContent, never as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const state = { after: null, filters: {} };

  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (params.get("key")) {
      sessionStorage.setItem("vlgate-key", params.get("key"));
      params.delete("key");
      history.replaceState(null, "", "#" + params.toString());
    }
    return params;
  }

  async function api(path) {
    const key = $("key").value || sessionStorage.getItem("vlgate-key") || "";
    const res = await fetch(path, { headers: key ? { Authorization: "Bearer " + key } : {} });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error((body.error && body.error.message) || res.status + " " + res.statusText);
    return body;
  }

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }

  const fmtTime = (t) => (t ? new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) : "—");
  const fmtCost = (c) => (c === null || c === undefined ? "—" : c.toFixed(6));
  const tokens = (u) => ["prompt_tokens", "visual_tokens", "completion_tokens", "reasoning_tokens"]
    .reduce((s, k) => s + (u[k] || 0), 0);
  const flagged = (g) => (g || []).filter((v) => v.verdict && v.verdict !== "pass" && v.verdict !== "allow");

  function badge(text, cls) { return el("span", text, "badge " + (cls || text)); }

  function row(r) {
    const tr = el("tr");
    tr.dataset.id = r.request_id;
    const mode = el("td", r.decided_mode || "—");
    if (r.fallback) mode.append(" ", badge("fallback"));
    const status = el("td"); status.append(badge(r.status));
    [el("td", fmtTime(r.received_at)), el("td", r.request_id), el("td", r.tenant || "—"),
     el("td", r.task_class || "—"), mode, status, el("td", tokens(r.usage)),
     el("td", fmtCost(r.cost_usd)), el("td", flagged(r.guard_verdicts).length || "")].forEach((c) => tr.append(c));
    tr.addEventListener("click", () => show(r.request_id));
    return tr;
  }

  async function load(append) {
    const qs = new URLSearchParams({ limit: "50" });
    Object.entries(state.filters).forEach(([k, v]) => v && qs.set(k, v));
    if (append && state.after) qs.set("after", state.after);
    $("list-msg").textContent = "loading…";
    try {
      const page = await api("/v1/traces?" + qs);
      if (!append) $("rows").replaceChildren();
      page.data.forEach((r) => $("rows").append(row(r)));
      state.after = page.next_cursor;
      $("more").hidden = !page.has_more;
      $("list-msg").textContent = $("rows").children.length ? "" : "no records match";
    } catch (e) { $("list-msg").textContent = "error: " + e.message; }
  }

  function facts(dl, pairs) {
    dl.replaceChildren();
    pairs.forEach(([k, v]) => { dl.append(el("dt", k), el("dd", v === null || v === undefined || v === "" ? "—" : v)); });
  }

  function images(r) {
    const box = $("d-images"); box.replaceChildren();
    (r.images || []).forEach((im, i) => {
      const fig = el("figure"); const img = el("img");
      img.src = "data:" + im.mime + ";base64," + im.data; img.alt = "input image " + (i + 1);
      fig.append(img, el("figcaption", im.width + "×" + im.height)); box.append(fig);
    });
    if (!(r.images || []).length) {
      (r.input_digest || []).forEach((d) => {
        const fig = el("figure");
        fig.append(el("figcaption", d.kind + " " + (d.width || "?") + "×" + (d.height || "?") + ", " +
          (d.tokens || "?") + " tokens, " + d.bytes + " B"), el("figcaption", "sha256 " + d.sha256.slice(0, 16) + "…"));
        box.append(fig);
      });
    }
    if (!box.children.length) box.append(el("p", "text only", "msg"));
  }

  async function show(id) {
    let r;
    try { r = await api("/v1/traces/" + encodeURIComponent(id)); }
    catch (e) { $("list-msg").textContent = "error: " + e.message; return; }
    $("d-id").textContent = r.request_id;
    const st = $("d-status"); st.textContent = r.status; st.className = "badge " + r.status;
    const u = r.usage;
    facts($("d-facts"), [["received", fmtTime(r.received_at)], ["first token", fmtTime(r.first_token_at)],
      ["finished", fmtTime(r.finished_at)], ["tenant", r.tenant], ["api key", r.api_key_id], ["audience", r.audience],
      ["model", r.model], ["replica", r.replica], ["finish", r.finish_reason], ["prompt tok", u.prompt_tokens],
      ["visual tok", u.visual_tokens], ["completion tok", u.completion_tokens], ["reasoning tok", u.reasoning_tokens],
      ["cost $", fmtCost(r.cost_usd)], ["A/B label", r.ab_label], ["error", r.error]]);
    facts($("d-route"), [["requested", r.requested_mode], ["decided", r.decided_mode],
      ["fallback", r.fallback ? "yes" : "no"], ["task class", r.task_class], ["reason", r.route_reason]]);
    const g = $("d-guards"); g.replaceChildren();
    (r.guard_verdicts || []).forEach((v) => {
      const li = el("li", (v.guard || "guard") + ": " + (v.verdict || "?") + (v.detail ? " — " + v.detail : ""));
      if (flagged([v]).length) li.className = "flag";
      g.append(li);
    });
    if (!g.children.length) g.append(el("li", "none"));
    images(r);
    $("d-reasoning").textContent = r.reasoning || (r.trace_storage === "none" ? "(not stored by policy)" : "(no reasoning)");
    $("d-answer").textContent = r.answer || (r.answer_storage === "none" ? "(not stored by policy)" : "(no answer)");
    $("d-trace-posture").textContent = "stored: " + r.trace_storage;
    $("d-answer-posture").textContent = "stored: " + r.answer_storage;
    $("detail").hidden = false; $("list").hidden = true;
    const params = new URLSearchParams(location.hash.slice(1)); params.set("id", r.request_id);
    history.replaceState(null, "", "#" + params.toString());
    document.body.dataset.ready = "detail";
  }

  $("filters").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.filters = Object.fromEntries(new FormData(ev.target).entries());
    state.after = null; load(false);
  });
  $("more").addEventListener("click", () => load(true));
  $("close").addEventListener("click", () => {
    $("detail").hidden = true; $("list").hidden = false;
    const params = new URLSearchParams(location.hash.slice(1)); params.delete("id");
    history.replaceState(null, "", "#" + params.toString());
  });
  $("key").addEventListener("change", () => { sessionStorage.setItem("vlgate-key", $("key").value); load(false); });

  const params = fromHash();
  $("key").value = sessionStorage.getItem("vlgate-key") || "";
  load(false).then(() => { if (params.get("id")) return show(params.get("id")); document.body.dataset.ready = "list"; });
})();
