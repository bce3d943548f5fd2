// The alignment editor: beads of one document at a time, operations that keep every sentence
// exactly once (checked after each one), undo/redo, and a save that the server checks again.
"use strict";

const TOKEN = document.querySelector('meta[name="token"]').content;
const LANGS = ["ru", "zh"];

const editor = {
  version: 0,
  lowScore: 0.5,
  documents: [],   // as the server sent them, beads replaced as the user edits
  current: 0,      // index of the document shown
  cursor: { bead: 0, lang: "ru", pos: 0 },  // the selected bead and sentence
  history: new Map(),  // doc id -> { undo: [], redo: [] }
  dirty: new Set(),    // doc ids changed since the last save
};

function api(path, options = {}) {
  const headers = Object.assign({ "X-Review-Token": TOKEN }, options.headers || {});
  return fetch(path, Object.assign({}, options, { headers }));
}

function say(text, isError = false) {
  const message = document.getElementById("message");
  message.textContent = text;
  message.classList.toggle("error", isError);
}

function beadType(bead) { return `${bead.ru.length}-${bead.zh.length}`; }
function beadId(doc, bead) { return `${doc.doc}/${bead.ru.length ? bead.ru[0] : bead.zh[0]}`; }
function isLow(bead) { return bead.score !== null && bead.score < editor.lowScore; }
function isProblem(bead) {
  return bead.status !== "confirmed"
    && (bead.score === null || bead.score < editor.lowScore || beadType(bead) !== "1-1");
}

// The rule both the page and the server enforce: read in order, the beads take every sentence
// of each side exactly once, in text order, and no bead is empty.
function partitionProblem(doc, beads) {
  for (const lang of LANGS) {
    const expected = doc.sentences[lang].map((s) => s.id);
    const got = beads.flatMap((b) => b[lang]);
    if (got.length !== expected.length || got.some((id, k) => id !== expected[k])) {
      return `${lang} sentences would be lost, doubled or reordered`;
    }
  }
  if (beads.some((b) => !b.ru.length && !b.zh.length)) return "a bead would be empty";
  return null;
}

function currentDoc() { return editor.documents[editor.current]; }
function historyOf(doc) {
  if (!editor.history.has(doc.doc)) editor.history.set(doc.doc, { undo: [], redo: [] });
  return editor.history.get(doc.doc);
}
function snapshot(doc) {
  return JSON.stringify({ beads: doc.beads, cursor: editor.cursor });
}
function restore(doc, saved) {
  const data = JSON.parse(saved);
  doc.beads = data.beads;
  editor.cursor = data.cursor;
}

function edited(bead) { return Object.assign(bead, { score: null, status: "edited" }); }
function copyBead(bead) { return { ru: bead.ru.slice(), zh: bead.zh.slice(), score: bead.score, status: bead.status }; }

// Runs one operation on a copy of the current document's beads; keeps it only if the partition
// check passes. An operation returns the new beads and cursor, or a string saying why not.
function operate(name, change) {
  const doc = currentDoc();
  if (!doc.paired) { say("This document has no partner: there is nothing to align.", true); return false; }
  const beads = doc.beads.map(copyBead);
  const outcome = change(beads, Object.assign({}, editor.cursor));
  if (typeof outcome === "string") { say(outcome, true); return false; }
  const problem = partitionProblem(doc, outcome.beads);
  if (problem) { say(`${name} refused: ${problem}`, true); return false; }
  const history = historyOf(doc);
  history.undo.push(snapshot(doc));
  history.redo = [];
  doc.beads = outcome.beads;
  editor.cursor = outcome.cursor;
  editor.dirty.add(doc.doc);
  render();
  say(name);
  return true;
}

function selectedSide(bead, cursor) {
  // The selected side, or the one that has sentences when the selected one is empty.
  if (bead[cursor.lang].length) return cursor.lang;
  return cursor.lang === "ru" ? "zh" : "ru";
}

const operations = {
  "merge-next": () => operate("Merged with the next bead", (beads, cursor) => {
    const k = cursor.bead;
    if (k + 1 >= beads.length) return "There is no next bead to merge with.";
    const merged = edited({ ru: beads[k].ru.concat(beads[k + 1].ru), zh: beads[k].zh.concat(beads[k + 1].zh) });
    beads.splice(k, 2, merged);
    return { beads, cursor };
  }),
  split: () => operate("Split the bead", (beads, cursor) => {
    const k = cursor.bead;
    const lang = selectedSide(beads[k], cursor);
    const other = lang === "ru" ? "zh" : "ru";
    const side = beads[k][lang];
    const pos = lang === cursor.lang ? cursor.pos : 0;
    if (pos === 0) return "Select the sentence that starts the new bead (not the first of its side).";
    const cut = Math.min(beads[k][other].length, Math.round((pos * beads[k][other].length) / side.length));
    const first = edited({ [lang]: side.slice(0, pos), [other]: beads[k][other].slice(0, cut) });
    const second = edited({ [lang]: side.slice(pos), [other]: beads[k][other].slice(cut) });
    beads.splice(k, 1, first, second);
    return { beads, cursor: { bead: k + 1, lang, pos: 0 } };
  }),
  "shift-prev": () => operate("Moved the first sentence to the previous bead", (beads, cursor) => {
    const k = cursor.bead;
    const lang = selectedSide(beads[k], cursor);
    if (k === 0) return "There is no previous bead.";
    beads[k - 1][lang].push(beads[k][lang].shift());
    edited(beads[k - 1]);
    edited(beads[k]);
    if (!beads[k].ru.length && !beads[k].zh.length) {
      beads.splice(k, 1);
      return { beads, cursor: { bead: k - 1, lang, pos: beads[k - 1][lang].length - 1 } };
    }
    return { beads, cursor: { bead: k, lang, pos: 0 } };
  }),
  "shift-next": () => operate("Moved the last sentence to the next bead", (beads, cursor) => {
    const k = cursor.bead;
    const lang = selectedSide(beads[k], cursor);
    if (k + 1 >= beads.length) return "There is no next bead.";
    beads[k + 1][lang].unshift(beads[k][lang].pop());
    edited(beads[k + 1]);
    edited(beads[k]);
    if (!beads[k].ru.length && !beads[k].zh.length) {
      beads.splice(k, 1);
      return { beads, cursor: { bead: k, lang, pos: 0 } };
    }
    return { beads, cursor: { bead: k, lang, pos: Math.max(0, beads[k][lang].length - 1) } };
  }),
  unalign: () => operate("Unaligned the sentence", (beads, cursor) => {
    const k = cursor.bead;
    const lang = selectedSide(beads[k], cursor);
    const other = lang === "ru" ? "zh" : "ru";
    const side = beads[k][lang];
    const pos = lang === cursor.lang ? cursor.pos : 0;
    if (side.length === 1 && !beads[k][other].length) return "This sentence is already unaligned.";
    if (pos !== 0 && pos !== side.length - 1) return "Only a first or last sentence can leave its bead: split first.";
    const [sentence] = side.splice(pos, 1);
    const alone = edited({ [lang]: [sentence], [other]: [] });
    edited(beads[k]);
    if (pos === 0) {
      beads.splice(k, 1, alone, beads[k]);
      return { beads, cursor: { bead: k, lang, pos: 0 } };
    }
    beads.splice(k + 1, 0, alone);
    return { beads, cursor: { bead: k + 1, lang, pos: 0 } };
  }),
  confirm: () => operate("Confirmed", (beads, cursor) => {
    beads[cursor.bead].status = "confirmed";
    const next = Math.min(cursor.bead + 1, beads.length - 1);
    return { beads, cursor: { bead: next, lang: beads[next].ru.length ? "ru" : "zh", pos: 0 } };
  }),
  "confirm-above": () => operate("Confirmed every bead above the cursor", (beads, cursor) => {
    if (cursor.bead === 0) return "There is no bead above the cursor.";
    for (const bead of beads.slice(0, cursor.bead)) bead.status = "confirmed";
    return { beads, cursor };
  }),
  undo: () => travel("undo", "redo", "Undone"),
  redo: () => travel("redo", "undo", "Redone"),
  "next-problem": nextProblem,
  save,
};

function travel(from, to, text) {
  const doc = currentDoc();
  const history = historyOf(doc);
  if (!history[from].length) { say(`Nothing to ${from}.`, true); return; }
  history[to].push(snapshot(doc));
  restore(doc, history[from].pop());
  editor.dirty.add(doc.doc);
  render();
  say(text);
}

function nextProblem() {
  const count = editor.documents.length;
  for (let step = 0; step <= count; step++) {
    const d = (editor.current + step) % count;
    const beads = editor.documents[d].beads;
    const from = step === 0 ? editor.cursor.bead + 1 : 0;
    const k = beads.findIndex((bead, i) => i >= from && isProblem(bead));
    if (editor.documents[d].paired && k >= 0) {
      showDocument(d, k);
      say("Next problem");
      return;
    }
  }
  say("No problem left: every bead is confirmed, or 1-1 with a good score.");
}

async function save() {
  const documents = {};
  for (const doc of editor.documents) {
    if (editor.dirty.has(doc.doc)) {
      documents[doc.doc] = doc.beads.map((b) => ({ ru: b.ru, zh: b.zh, status: b.status }));
    }
  }
  say("Saving…");
  let response;
  try {
    response = await api("api/save", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ version: editor.version, documents }),
    });
  } catch (error) {
    say(`Not saved: ${error}`, true);
    return;
  }
  const answer = await response.json();
  if (!response.ok) { say(`Not saved: ${answer.error}`, true); return; }
  editor.version = answer.version;
  editor.dirty.clear();
  await reload();  // the server's word on scores and statuses (a bead rebuilt as the aligner
  // had it gets its score back)
  say(`Saved: ${answer.written.join(", ")}`);
  document.body.dataset.saved = String(answer.version);
}

function moveBead(delta) {
  const beads = currentDoc().beads;
  const k = Math.max(0, Math.min(beads.length - 1, editor.cursor.bead + delta));
  editor.cursor = { bead: k, lang: beads[k] && beads[k].ru.length ? "ru" : "zh", pos: 0 };
  renderCursor();
}

function moveSentence(delta) {
  const bead = currentDoc().beads[editor.cursor.bead];
  const places = LANGS.flatMap((lang) => bead[lang].map((_, pos) => ({ lang, pos })));
  const at = places.findIndex((p) => p.lang === editor.cursor.lang && p.pos === editor.cursor.pos);
  const next = places[Math.max(0, Math.min(places.length - 1, at + delta))];
  if (next) editor.cursor = { bead: editor.cursor.bead, lang: next.lang, pos: next.pos };
  renderCursor();
}

function showDocument(index, bead = 0) {
  editor.current = Math.max(0, Math.min(editor.documents.length - 1, index));
  const beads = currentDoc().beads;
  editor.cursor = { bead, lang: beads[bead] && beads[bead].ru.length ? "ru" : "zh", pos: 0 };
  render();
}

function scoreColour(score) {
  return `hsl(${Math.round(score * 120)}, 62%, 38%)`;
}

function element(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function renderDocuments() {
  const list = document.getElementById("doc-list");
  list.replaceChildren(...editor.documents.map((doc, index) => {
    const low = doc.beads.filter(isLow).length;
    const open = doc.beads.filter((b) => b.status !== "confirmed").length;
    const item = element("li", { "data-doc": doc.doc }, doc.doc);
    item.classList.toggle("current", index === editor.current);
    const counts = doc.paired ? `${low} low · ${open} unconfirmed · ${doc.beads.length} beads`
      : "no partner (read only)";
    item.append(element("span", { class: "counts" }, counts + (editor.dirty.has(doc.doc) ? " · edited" : "")));
    item.addEventListener("click", () => showDocument(index));
    return item;
  }));
}

function renderBeads() {
  const doc = currentDoc();
  const text = Object.fromEntries(LANGS.map((lang) => [lang, new Map(doc.sentences[lang].map((s) => [s.id, s.text]))]));
  document.getElementById("doc-title").textContent = doc.doc;
  document.getElementById("doc-files").textContent = LANGS.filter((l) => doc.files[l])
    .map((l) => `${l}: ${doc.files[l]}`).join(" · ") + (doc.paired ? "" : " · no counterpart: read only");
  const container = document.getElementById("beads");
  container.replaceChildren(...doc.beads.map((bead, k) => {
    const row = element("div", { class: "bead", "data-bead": beadId(doc, bead), "data-type": beadType(bead),
      "data-status": bead.status, "data-index": String(k) });
    row.classList.toggle("low", isLow(bead));
    const score = element("span", { class: "score" }, bead.score === null ? "–" : bead.score.toFixed(2));
    if (bead.score === null) score.classList.add("none"); else score.style.background = scoreColour(bead.score);
    row.append(score);
    for (const lang of LANGS) {
      const cell = element("div", { class: `side ${lang}`, lang: lang === "ru" ? "ru" : "zh-CN" });
      if (!bead[lang].length) cell.classList.add("empty");
      bead[lang].forEach((id, pos) => {
        const span = element("span", { class: "sentence", "data-sentence": id }, text[lang].get(id));
        span.addEventListener("click", (event) => {
          event.stopPropagation();
          editor.cursor = { bead: k, lang, pos };
          renderCursor();
        });
        cell.append(span);
      });
      row.append(cell);
    }
    const status = element("span", { class: "status" }, bead.status);
    status.append(element("span", { class: "type" }, beadType(bead)));
    row.append(status);
    row.addEventListener("click", () => {
      editor.cursor = { bead: k, lang: bead.ru.length ? "ru" : "zh", pos: 0 };
      renderCursor();
    });
    return row;
  }));
  renderCursor();
}

// Moving the cursor only moves two highlights: a long document is not redrawn per key.
function renderCursor() {
  const container = document.getElementById("beads");
  for (const node of container.querySelectorAll(".cursor, .selected")) {
    node.classList.remove("cursor", "selected");
  }
  const row = container.children[editor.cursor.bead];
  if (!row) return;
  row.classList.add("cursor");
  const cell = row.querySelector(`.side.${editor.cursor.lang}`);
  const span = cell && cell.children[editor.cursor.pos];
  if (span) span.classList.add("selected");
  row.scrollIntoView({ block: "nearest" });
}

function render() {
  document.getElementById("dirty").hidden = editor.dirty.size === 0;
  const doc = currentDoc();
  for (const button of document.querySelectorAll("#toolbar button")) {
    const action = button.dataset.action;
    const history = historyOf(doc);
    button.disabled = (!doc.paired && action !== "next-problem")
      || (action === "undo" && !history.undo.length) || (action === "redo" && !history.redo.length);
  }
  renderDocuments();
  renderBeads();
}

const KEYS = {
  ArrowDown: () => moveBead(1), j: () => moveBead(1),
  ArrowUp: () => moveBead(-1), k: () => moveBead(-1),
  ArrowRight: () => moveSentence(1), l: () => moveSentence(1),
  ArrowLeft: () => moveSentence(-1), h: () => moveSentence(-1),
  m: operations["merge-next"], s: operations.split, u: operations.unalign,
  "[": operations["shift-prev"], "]": operations["shift-next"],
  c: operations.confirm, Enter: operations.confirm, C: operations["confirm-above"],
  z: operations.undo, y: operations.redo, Z: operations.redo, n: operations["next-problem"],
  PageDown: () => showDocument(editor.current + 1), PageUp: () => showDocument(editor.current - 1),
};

function onKey(event) {
  if (event.altKey || event.metaKey) return;
  let key = event.key;
  if (event.ctrlKey) {
    const control = { s: "save", z: event.shiftKey ? "redo" : "undo", Z: "redo", y: "redo" }[key];
    if (!control) return;
    event.preventDefault();
    operations[control]();
    return;
  }
  if (key.length === 1 && key.toLowerCase() === "c" && event.shiftKey) key = "C";
  const handler = KEYS[key];
  if (!handler) return;
  event.preventDefault();
  handler();
}

async function reload() {
  const response = await api("api/state");
  if (!response.ok) { say(`Cannot load the run: ${await response.text()}`, true); return false; }
  const state = await response.json();
  editor.version = state.version;
  editor.lowScore = state.low_score;
  editor.documents = state.documents;
  editor.current = Math.min(editor.current, editor.documents.length - 1);
  document.getElementById("corpus").textContent = `${state.corpus} → ${state.outputs.join(", ")}`;
  render();
  return true;
}

async function start() {
  for (const button of document.querySelectorAll("[data-action]")) {
    button.addEventListener("click", () => {
      button.blur();  // or Enter/Space, meant for the bead, would press the button again
      operations[button.dataset.action]();
    });
  }
  document.addEventListener("keydown", onKey);
  window.addEventListener("beforeunload", (event) => { if (editor.dirty.size) event.preventDefault(); });
  if (!(await reload())) return;
  const first = editor.documents.findIndex((d) => d.paired);
  showDocument(first >= 0 ? first : 0);
  document.body.dataset.ready = "true";
  say("Ready. Click a sentence or use the keyboard (see the map on the right).");
}

start();
