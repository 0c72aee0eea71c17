// reelforge studio: the page. Plain JS, no build step, nothing fetched from outside this server.
"use strict";

const $ = (id) => document.getElementById(id);
const S = {script: null, lang: null, platform: null, t: 0, view: null, gen: 0,
           frameBusy: false, frameWanted: false, frameURL: null, frames: 0, rendered: null};

function query(extra) {
  return new URLSearchParams({script: S.script || "", lang: S.lang || "", platform: S.platform || "",
                              ...(extra || {})}).toString();
}
const filesURL = (rel) => "/files/" + rel.split("/").map(encodeURIComponent).join("/");
const fmt = (s) => s.toFixed(2) + " s";

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (v !== undefined && v !== null) e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
}

function fillSelect(sel, values, chosen) {
  sel.replaceChildren(...values.map((v) => el("option", {value: v, text: v})));
  if (chosen) sel.value = chosen;
}

function saveHash() {
  location.replace("#" + new URLSearchParams({script: S.script || "", lang: S.lang || "",
                                               platform: S.platform || ""}).toString());
}

// -- the frame at the playhead: at most one request in flight, the latest playhead wins ---------------
async function loadFrame() {
  if (!S.script) return;
  if (S.frameBusy) { S.frameWanted = true; return; }
  S.frameBusy = true;
  try {
    do {
      S.frameWanted = false;
      const r = await fetch("/api/frame?" + query({t: S.t.toFixed(3)}));
      if (r.ok) {
        const url = URL.createObjectURL(await r.blob());
        const img = $("frame");
        await new Promise((done) => { img.onload = done; img.onerror = done; img.src = url; });
        if (S.frameURL) URL.revokeObjectURL(S.frameURL);
        S.frameURL = url;
        img.dataset.version = r.headers.get("X-Version");
        img.dataset.t = r.headers.get("X-Time");
        img.dataset.n = String(++S.frames);
        setStale(r.headers.get("X-Stale") === "1");
      } else if (r.status === 409) {
        showView(await r.json());
      }
    } while (S.frameWanted);
  } finally {
    S.frameBusy = false;
  }
}

function setStale(stale) {
  $("frame-box").classList.toggle("stale", stale);
  $("stale").hidden = !stale;
}

// -- everything else, after the frame ------------------------------------------------------------
async function refresh(viewFirst) {
  const gen = ++S.gen;
  if (viewFirst) {
    const view = await (await fetch("/api/view?" + query())).json();
    if (gen !== S.gen) return;
    showView(view);
  }
  await loadFrame();
  if (gen !== S.gen) return;
  const view = await (await fetch("/api/view?" + query())).json();
  if (gen !== S.gen) return;
  showView(view);
  if (!view.ready) return;
  const sheet = await fetch("/api/sheet?" + query());
  if (gen !== S.gen) return;
  if (sheet.ok) {
    const old = $("sheet").src;
    $("sheet").src = URL.createObjectURL(await sheet.blob());
    if (old.startsWith("blob:")) URL.revokeObjectURL(old);
  }
  $("lint").replaceChildren(el("li", {class: "muted", text: "checking…"}));
  const lint = await (await fetch("/api/lint?" + query())).json();
  if (gen !== S.gen || lint.findings === null) return;
  showLint(lint.findings);
}

function problemItem(p, cls) {
  const li = el("li", {class: cls || "", dir: "auto"});
  if (p.file !== undefined) {
    li.append(el("span", {class: "where", dir: "ltr", text: `${p.file}:${p.line}:${p.col}`}),
              ": " + [p.where, p.rule, p.what].filter(Boolean).join(": "));
  } else {
    li.textContent = p.text;
  }
  return li;
}

function showLint(findings) {
  $("lint-count").textContent = findings.length ? `(${findings.length})` : "";
  $("lint").replaceChildren(...(findings.length ? findings.map((p) => problemItem(p, "lint"))
                                                : [el("li", {class: "ok", text: "lint clean"})]));
}

function showView(v) {
  S.view = v;
  $("problem-count").textContent = v.problems.length ? `(${v.problems.length})` : "";
  $("problems").replaceChildren(...(v.problems.length ? v.problems.map((p) => problemItem(p))
                                                      : [el("li", {class: "ok", text: "valid"})]));
  setStale(!!v.stale);
  $("render-draft").disabled = $("render-final").disabled = !v.ready || v.problems.length > 0 || S.rendering;
  if (!v.ready) return;
  S.lang = v.lang; S.platform = v.platform;
  fillSelect($("lang"), v.languages, v.lang);
  fillSelect($("platform"), v.platforms, v.platform);
  saveHash();
  const title = $("title");
  title.textContent = v.title || v.id;
  title.lang = v.lang;
  $("duration").textContent = fmt(v.duration);
  const scrub = $("scrubber");
  scrub.max = v.duration.toFixed(3);
  if (S.t > v.duration) S.t = Math.max(0, v.duration - 0.001);
  scrub.value = S.t;
  drawTimeline(v);
  const caps = $("captions");
  caps.dir = v.rtl ? "rtl" : "ltr";
  caps.lang = v.lang;
  caps.replaceChildren(...v.captions.map((c) => {
    const li = el("li", {"data-start": c.start},
                  el("time", {text: `${c.start.toFixed(2)}–${c.end.toFixed(2)}`}),
                  el("span", {class: "text", dir: "auto", lang: v.lang, text: c.text}));
    li.addEventListener("click", () => seek(c.start + 0.01));
    return li;
  }));
  showPlayhead();
}

function drawTimeline(v) {
  const pct = (t) => (100 * t / v.duration).toFixed(3) + "%";
  const block = (cls, start, end, text, title) => {
    const b = el("div", {class: "block " + cls, dir: "auto", lang: v.lang, title: title || text, text});
    b.style.left = pct(Math.max(0, start));
    b.style.width = pct(Math.max(0.02, Math.min(v.duration, end) - Math.max(0, start)));
    b.addEventListener("click", (e) => { e.stopPropagation(); seek(Math.max(0, start) + 0.01); });
    return b;
  };
  const step = v.duration > 60 ? 10 : v.duration > 20 ? 5 : 1;
  const ticks = [];
  for (let s = 0; s <= v.duration; s += step) {
    const t = el("span", {text: String(s)});
    t.style.left = pct(s);
    ticks.push(t);
  }
  $("ruler").replaceChildren(...ticks);
  $("lane-scenes").replaceChildren(...v.scenes.map((s) =>
    block("scene", s.start, s.end, `${s.index + 1}. ${s.id}`, `${s.id} ${s.start.toFixed(2)}–${s.end.toFixed(2)} s`)));
  $("lane-transitions").replaceChildren(...v.scenes.filter((s) => s.transition.duration > 0 && s.index < v.scenes.length - 1)
    .map((s) => block("transition", s.end - s.transition.duration / 2, s.end + s.transition.duration / 2,
                      s.transition.name, `${s.transition.name} ${s.transition.duration} s at ${s.end.toFixed(2)} s`)));
  $("lane-voice").replaceChildren(...v.voice.map((l) => block("voice", l.start, l.end, l.text, `${l.scene} (${l.timed}): ${l.text}`)));
  $("lane-captions").replaceChildren(...v.captions.map((c) => block("caption", c.start, c.end, c.text)));
}

function showPlayhead() {
  const v = S.view;
  if (!v || !v.ready) return;
  $("playhead").style.left = (100 * S.t / v.duration).toFixed(3) + "%";
  $("clock").textContent = fmt(S.t);
  const scene = v.scenes.find((s) => S.t < s.end) || v.scenes[v.scenes.length - 1];
  $("scene-name").textContent = scene ? `${scene.index + 1}. ${scene.id}` : "";
  for (const li of $("captions").children) {
    const c = v.captions[[...li.parentNode.children].indexOf(li)];
    li.classList.toggle("now", c.start <= S.t && S.t < c.end);
  }
}

function seek(t) {
  S.t = Math.max(0, t);
  $("scrubber").value = S.t;
  showPlayhead();
  loadFrame();
}

// -- renders --------------------------------------------------------------------------------------
async function startRender(draft) {
  S.rendering = true;
  $("render-draft").disabled = $("render-final").disabled = true;
  const r = await fetch("/api/render", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({script: S.script, lang: S.lang, platform: S.platform, draft})});
  showRender(await r.json());
}

function showRender(st) {
  if (!st || st.status === "idle") return;
  $("render-box").hidden = false;
  S.rendering = st.status === "running";
  const ready = S.view && S.view.ready && !S.view.problems.length;
  $("render-draft").disabled = $("render-final").disabled = S.rendering || !ready;
  const kind = st.draft ? "draft" : "final";
  $("render-label").textContent = `${kind} · ${st.lang || ""} ${st.platform || ""} · ${st.status}` +
    (st.status === "running" && st.total ? ` ${Math.floor(100 * st.done / st.total)}%` : "") +
    (st.seconds ? ` in ${st.seconds} s` : "");
  const bar = $("render-progress");
  bar.value = st.total ? st.done / st.total : 0;
  $("render-problems").replaceChildren(...(st.problems || []).map((p) => problemItem(p)));
  if (st.status === "done" && st.video) {
    const key = st.video + "@" + st.started;
    if (S.rendered === key) return;
    S.rendered = key;
    const video = $("video");
    video.pause();
    video.replaceChildren();
    video.dataset.played = "";
    const track = el("track", {kind: "captions", srclang: st.lang, label: st.lang, default: "",
                               src: filesURL(st.track) + "?v=" + Date.now()});
    video.append(track);
    video.src = filesURL(st.video) + "?v=" + Date.now();
    video.load();
    video.play().catch(() => { video.muted = true; return video.play(); }).catch(() => {});
  }
}

// -- wiring ---------------------------------------------------------------------------------------
function choose(script, lang, platform) {
  S.script = script; S.lang = lang || null; S.platform = platform || null;
  $("script").value = script;
  refresh(true);
}

async function start() {
  const j = await (await fetch("/api/scripts")).json();
  fillSelect($("script"), j.scripts);
  document.title = `${j.project} · reelforge studio`;
  const h = new URLSearchParams(location.hash.slice(1));
  const script = j.scripts.includes(h.get("script")) ? h.get("script") : j.scripts[0];
  if (!script) {
    $("problems").replaceChildren(el("li", {text: "no script in this project (a YAML file with scenes:)"}));
    return;
  }
  choose(script, h.get("lang"), h.get("platform"));
  const state = await (await fetch("/api/render")).json();
  showRender(state);
}

$("script").addEventListener("change", (e) => { S.t = 0; choose(e.target.value); });
$("lang").addEventListener("change", (e) => { S.lang = e.target.value; refresh(true); });
$("platform").addEventListener("change", (e) => { S.platform = e.target.value; refresh(true); });
$("scrubber").addEventListener("input", (e) => seek(parseFloat(e.target.value)));
$("lanes").addEventListener("click", (e) => {
  const v = S.view;
  if (!v || !v.ready) return;
  const box = $("lanes").getBoundingClientRect();
  seek(v.duration * Math.min(1, Math.max(0, (e.clientX - box.left) / box.width)));
});
$("render-draft").addEventListener("click", () => startRender(true));
$("render-final").addEventListener("click", () => startRender(false));
$("video").addEventListener("playing", () => { $("video").dataset.played = "1"; });
$("video").addEventListener("ended", () => { $("video").dataset.played = "1"; });

const events = new EventSource("/api/events");
let connected = false;
events.addEventListener("hello", () => {
  $("live").classList.add("on");
  if (connected) refresh();          // reconnected: something may have changed meanwhile
  connected = true;
});
events.addEventListener("change", () => refresh());
events.addEventListener("render", (e) => showRender(JSON.parse(e.data)));
events.onerror = () => $("live").classList.remove("on");

start();
