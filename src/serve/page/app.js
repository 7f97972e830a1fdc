// The recruiter's page: a client of matcher's JSON API (see /openapi.json).
// No framework, no build step: DOM calls only, and text is always set as text, never
// as HTML, so nothing from a résumé can run in the page.
"use strict";

const STRINGS = {
  en: {
    tagline: "résumés ranked against a job, with the reasons",
    token: "Token", resumes: "Résumés", drop: "Drop résumés here, or choose files",
    formats: "Plain text, Markdown, HTML, PDF, DOCX or JSON Resume; the file name (without extension) becomes the profile id.",
    job: "Job", jobPlaceholder: "Paste the job description here…", jobFile: "or upload a job file:",
    filters: "Filters", require: "Required skill", requirePlaceholder: "e.g. Kafka, Go",
    minYears: "Min. years", top: "Top", blind: "Blind mode (hide names and contact details)",
    rank: "Rank candidates", ranking: "Ranking",
    uploading: "uploading…", parsing: "parsing and committing…", created: "added", replaced: "replaced",
    failed: "failed", skills: "skills", profiles: "profiles in the index",
    noJob: "Paste a job description or choose a job file first.", ranking_: "ranking…",
    results: (n, t, ms) => `${n} result(s) for “${t}” in ${ms} ms`,
    none: "No profile matches. Upload résumés, or loosen the filters.",
    score: "score", matchedRequired: "Required skills shown", matchedPreferred: "Preferred skills shown",
    missing: "Required skills missing", related: "Credited through a related skill",
    features: "Contribution of each feature", years: "years", hidden: "(name hidden)",
    via: "via", feature: { bm25: "text relevance (BM25)", required_skills: "required skills", preferred_skills: "preferred skills", related_skills: "related skills", title: "title", years: "years of experience", education: "education", location: "location" },
    netError: "network error", tooMany: "",
  },
  zh: {
    tagline: "简历与职位匹配排序，并给出理由",
    token: "令牌", resumes: "简历", drop: "把简历拖到这里，或选择文件",
    formats: "支持纯文本、Markdown、HTML、PDF、DOCX 或 JSON Resume；文件名（不含扩展名）即简历编号。",
    job: "职位", jobPlaceholder: "在此粘贴职位描述…", jobFile: "或上传职位文件：",
    filters: "筛选", require: "必备技能", requirePlaceholder: "例如 Kafka, Go",
    minYears: "最少年限", top: "显示前", blind: "盲审模式（隐藏姓名与联系方式）",
    rank: "匹配候选人", ranking: "排序结果",
    uploading: "上传中…", parsing: "解析并提交中…", created: "已添加", replaced: "已替换",
    failed: "失败", skills: "项技能", profiles: "份简历在索引中",
    noJob: "请先粘贴职位描述或选择职位文件。", ranking_: "排序中…",
    results: (n, t, ms) => `“${t}”共 ${n} 个结果，用时 ${ms} 毫秒`,
    none: "没有匹配的简历。请上传简历或放宽筛选条件。",
    score: "得分", matchedRequired: "具备的必备技能", matchedPreferred: "具备的加分技能",
    missing: "缺少的必备技能", related: "以相关技能部分计分",
    features: "各项特征的贡献", years: "年", hidden: "（姓名已隐藏）",
    via: "通过", feature: { bm25: "文本相关度 (BM25)", required_skills: "必备技能", preferred_skills: "加分技能", related_skills: "相关技能", title: "职位名称", years: "工作年限", education: "学历", location: "地点" },
    netError: "网络错误", tooMany: "",
  },
};

const TYPES = {
  txt: "text/plain", text: "text/plain", md: "text/markdown", markdown: "text/markdown",
  html: "text/html", htm: "text/html", pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  json: "application/json", jsonld: "application/ld+json",
};

let lang = localStorage.getItem("matcher.lang") ||
  ((navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en");
let jobFile = null;
let lastRanking = null;
const $ = (id) => document.getElementById(id);
const t = (key) => STRINGS[lang][key];

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    e.append(typeof c === "string" || typeof c === "number" ? String(c) : c);
  }
  return e;
}

function applyLanguage() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
  for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
  $("lang").textContent = lang === "zh" ? "English" : "中文";
  if (lastRanking) render(lastRanking.ranking, lastRanking.ms);
  refreshCount();
}

function headers(extra) {
  const h = Object.assign({}, extra || {});
  const token = $("token").value.trim();
  if (token) h["Authorization"] = "Bearer " + token;
  return h;
}

function typeOf(name) {
  const ext = (name.split(".").pop() || "").toLowerCase();
  return TYPES[ext] || (name.includes(".") ? "" : "text/plain");
}

function idOf(name) {
  const base = name.replace(/\.[^.]*$/, "");
  return base.trim().replace(/[\u0000-\u001f]/g, "") || "profile";
}

function errorText(xhrOrResponseText, status) {
  try {
    const e = JSON.parse(xhrOrResponseText).error;
    return `${status} ${e.kind}: ${e.message}`;
  } catch (_) {
    return status ? `${status}` : t("netError");
  }
}

// Uploads: a few at a time, each with its own row, progress bar and result.
const queue = [];
let running = 0;
const PARALLEL = 4;

function addFiles(files) {
  for (const file of files) {
    const progress = el("progress", { max: "100", value: "0" });
    const msg = el("span", { class: "msg" }, t("uploading"));
    const row = el("li", { class: "pending" }, el("span", { class: "file" }, file.name), progress, msg);
    row.dataset.file = file.name;
    $("uploads").append(row);
    queue.push({ file, row, progress, msg });
  }
  pump();
}

function pump() {
  while (running < PARALLEL && queue.length) {
    running++;
    upload(queue.shift()).finally(() => { running--; pump(); if (!running && !queue.length) refreshCount(); });
  }
}

function upload({ file, row, progress, msg }) {
  return new Promise((resolve) => {
    const type = typeOf(file.name);
    const fail = (text) => { row.className = "failed"; msg.textContent = `${t("failed")}: ${text}`; resolve(); };
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", "/v1/profiles/" + encodeURIComponent(idOf(file.name)));
    for (const [k, v] of Object.entries(headers(type ? { "Content-Type": type } : {}))) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total); };
    xhr.upload.onload = () => { progress.value = 100; msg.textContent = t("parsing"); };
    xhr.onerror = () => fail(t("netError"));
    xhr.onload = () => {
      if (xhr.status === 200 || xhr.status === 201) {
        const p = JSON.parse(xhr.responseText);
        row.className = "done";
        progress.value = 100;
        const bits = [xhr.status === 201 ? t("created") : t("replaced"), p.id];
        if (p.headline) bits.push(p.headline);
        bits.push(`${p.skills.length} ${t("skills")}`);
        msg.textContent = "✓ " + bits.join(" · ");
        resolve();
      } else {
        fail(errorText(xhr.responseText, xhr.status));
      }
    };
    xhr.send(file);
  });
}

async function refreshCount() {
  try {
    const r = await fetch("/v1/health");
    const h = await r.json();
    $("count").textContent = `${h.documents} ${t("profiles")}`;
  } catch (_) { /* the count is a nicety */ }
}

// Ranking.
async function rank() {
  const text = $("job").value;
  if (!jobFile && !text.trim()) { $("rank-status").textContent = t("noJob"); return; }
  const params = new URLSearchParams();
  params.set("top", $("top").value || "10");
  for (const s of $("require").value.split(/[,，;；]/).map((s) => s.trim()).filter(Boolean)) params.append("require", s);
  if ($("min-years").value) params.set("min_years", $("min-years").value);
  if ($("blind").checked) params.set("blind", "true");
  let body, type;
  if (jobFile && !text.trim()) { body = jobFile; type = typeOf(jobFile.name) || "text/plain"; }
  else { body = text; type = /<\/?[a-z][\s\S]*>/i.test(text) ? "text/html" : "text/markdown"; }
  $("rank-status").textContent = t("ranking_");
  $("results").setAttribute("aria-busy", "true");
  const start = performance.now();
  try {
    const r = await fetch("/v1/match?" + params, { method: "POST", headers: headers({ "Content-Type": type }), body });
    const textBody = await r.text();
    if (!r.ok) { $("rank-status").textContent = errorText(textBody, r.status); $("rank-status").className = "error"; return; }
    $("rank-status").className = "hint";
    $("rank-status").textContent = "";
    const ranking = JSON.parse(textBody);
    lastRanking = { ranking, ms: Math.round(performance.now() - start), blind: $("blind").checked };
    render(ranking, lastRanking.ms);
  } catch (e) {
    $("rank-status").textContent = t("netError");
  } finally {
    $("results").removeAttribute("aria-busy");
  }
}

function quote(ev) {
  // The evidence's words marked inside their context.
  const q = ev.quote || ev.text || "";
  const i = ev.text ? q.indexOf(ev.text) : -1;
  const span = el("span", { class: "quote" });
  if (i < 0) { span.append(`“${q}”`); return span; }
  span.append("“" + q.slice(0, i), el("mark", {}, ev.text), q.slice(i + ev.text.length) + "”");
  return span;
}

function skillList(title, items, cls) {
  if (!items.length) return null;
  return el("div", {}, el("h4", {}, title), el("ul", { class: "skills" }, ...items.map((it) => el("li", {}, ...it(cls)))));
}

function render(ranking, ms) {
  const blind = $("blind").checked;
  const list = $("results");
  list.replaceChildren();
  $("results-summary").textContent = ranking.results.length
    ? t("results")(ranking.results.length, ranking.job_title || ranking.job_id, ms) : t("none");
  for (const m of ranking.results) {
    const x = m.explanation || {};
    const bar = el("div", { class: "bar" }, el("span"));
    bar.firstChild.style.width = Math.max(0, Math.min(100, m.score)) + "%";
    // Blind: the name is not shown even if an older server sent one.
    const name = blind ? el("span", { class: "name hidden" }, t("hidden")) : (m.name ? el("span", { class: "name" }, m.name) : null);
    const facts = [];
    if (x.years !== undefined) facts.push(`${x.years} ${t("years")}`);
    if (x.education) facts.push(x.education);
    if (x.location) facts.push(x.location);
    if (x.occupation) facts.push(x.occupation);
    const ev = (cls) => (e) => () => [el("span", { class: "skill " + cls }, e.skill), " ", quote(e)];
    const required = (x.matched_required || []).map((e) => ev("ok")(e));
    const preferred = (x.matched_preferred || []).map((e) => ev("ok")(e));
    const missing = (x.missing_required || []).map((s) => () => [el("span", { class: "skill missing" }, s)]);
    const related = (x.related || []).map((r) => () => [el("span", { class: "skill" }, r.required), ` ${t("via")} ${r.via} (${Math.round(r.credit * 100)}%)`]);
    const rows = (x.features || []).filter((f) => f.value !== null && f.value !== undefined).map((f) => {
      const c = el("div", { class: "cbar" }, el("span"));
      c.firstChild.style.width = Math.max(0, Math.min(100, f.contribution * 100 / Math.max(1, m.score))) + "%";
      return el("tr", {}, el("td", {}, t("feature")[f.name] || f.name), el("td", {}, f.value.toFixed(2)),
        el("td", {}, "+" + f.contribution.toFixed(1)), el("td", { class: "cbarcell" }, c));
    });
    const card = el("li", { class: "result", "data-id": m.id },
      el("div", { class: "head" }, el("span", { class: "rank" }, "#" + m.rank), name,
        el("span", { class: "id" }, m.id), m.headline ? el("span", { class: "headline" }, m.headline) : null),
      el("div", { class: "scorebar" }, bar, el("span", { class: "score" }, `${t("score")} ${m.score.toFixed(1)}`)),
      facts.length ? el("div", { class: "facts" }, facts.join(" · ")) : null,
      el("div", { class: "cols" },
        el("div", {}, skillList(t("matchedRequired"), required.map((f) => f), ""),
          skillList(t("matchedPreferred"), preferred.map((f) => f), ""),
          skillList(t("missing"), missing, ""), skillList(t("related"), related, "")),
        rows.length ? el("div", {}, el("h4", {}, t("features")), el("table", { class: "features" }, ...rows)) : null),
      m.snippet ? el("div", { class: "snippet" }, m.snippet) : null);
    list.append(card);
  }
}

function init() {
  applyLanguage();
  $("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; localStorage.setItem("matcher.lang", lang); applyLanguage(); });
  const token = sessionStorage.getItem("matcher.token");
  if (token) $("token").value = token;
  $("token").addEventListener("change", () => sessionStorage.setItem("matcher.token", $("token").value));
  $("files").addEventListener("change", (e) => { addFiles(e.target.files); e.target.value = ""; });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); addFiles(e.dataTransfer.files); });
  $("job-file").addEventListener("change", (e) => { jobFile = e.target.files[0] || null; $("job-file-name").textContent = jobFile ? jobFile.name : ""; });
  $("rank").addEventListener("click", rank);
  // Blind mode re-asks the server, which then sends no name at all.
  $("blind").addEventListener("change", () => { if (lastRanking) rank(); });
}

document.addEventListener("DOMContentLoaded", init);
