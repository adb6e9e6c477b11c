// vssid-serve: the declaration (Tờ khai) in four steps — Kê khai, Ảnh, Cơ quan BHXH, Gửi.
// Plain JS, no build step, no other host: every request goes to this server (see the CSP header).
// The page keeps nothing: "Làm lại" or a reload forgets every field, photo and card.
"use strict";

const FRAME_INTERVAL_MS = 300;   // about three camera frames a second go to /api/scan
const CAMERA_TIMEOUT_MS = 60000; // the camera stops by itself after a minute
const FRAME_MAX_WIDTH = 1280;
const CARD_NAMES = { bhyt: "thẻ BHYT", cccd: "thẻ CCCD" };
const GENDER_LABELS = { male: "Nam", female: "Nữ" };
// The fields the cards fill, and their value in a registration (vssid_id.registration.Registration).
const CARD_FIELDS = ["full_name", "bhxh_code", "id_number", "old_id_number", "date_of_birth", "gender", "address",
  "address_2025"];
// The fields checked by the server as the person leaves them (POST /api/check), under the API's names.
const CHECKED = { full_name: "full_name", bhxh_code: "bhxh_code", id_number: "id_number",
  old_id_number: "old_id_number", date_of_birth: "date_of_birth", address: "address",
  address_2025: "contact_address", phone: "phone", email: "email" };
const REQUIRED = { 1: ["full_name", "bhxh_code", "id_number", "phone", "email"], 2: ["portrait", "id_front", "id_back"],
  3: ["office"], 4: [] };
const PHOTOS = ["portrait", "id_front", "id_back"];
// Record fields of a finding that have no field of their own on the form.
const FIELD_ALIASES = { year_of_birth: "date_of_birth", month_of_birth: "date_of_birth",
  contact_address: "address_2025" };
const NOTE_FIELDS = { address: "address_2025" };

const DATA = JSON.parse(document.getElementById("page-data").textContent);
const MESSAGES = DATA.messages;
const OFFICES = DATA.offices || [];

const state = {
  generation: 0,   // bumped by "Làm lại": an answer to an older request is dropped
  payloads: { bhyt: null, cccd: null },
  records: { bhyt: null, cccd: null },
  registration: null,
  scanned: {},     // field -> the value the cards gave ("" for none): a field whose value differs was typed
  checked: {},     // field -> the last value checked by the server
  photos: {},      // portrait / id_front / id_back -> File
  previews: {},    // -> object URL
  office: null,    // the chosen office (one of OFFICES)
  officeByHand: false,
  officeActive: -1,
  officeShown: [],
  step: 1,
  prefillSeq: 0,
  prefills: 0,
  downloads: [],
  hasCamera: false,
  camera: null,    // {kind, stream, timer, deadline, busy}
};

const $ = (id) => document.getElementById(id);
const fieldBox = (name) => document.querySelector('.field[data-field="' + name + '"]');

// --- Vietnamese words for the API's codes (vssid_id/web/messages.py) ------------------------

function megabytes(bytes) {
  const value = Math.round((bytes / 1048576) * 10) / 10;
  return String(value).replace(".", ",") + " MB";
}

function errorText(type, status) {
  const text = MESSAGES.errors[type] || MESSAGES.fallback[String(status)] || MESSAGES.fallback.other;
  return text.replace("{limit}", megabytes(MESSAGES.max_body_bytes));
}

function problemText(problem) {
  const problems = MESSAGES.problems;
  return problems[problem.field + "." + problem.kind] || problems[problem.kind] || problems.invalid;
}

function findingText(kind) {
  return MESSAGES.findings[kind] || "Cần kiểm tra lại mục này.";
}

// A failed answer: {type, problems, text}; the English message of the API is never shown.
async function failure(response) {
  let error = {};
  try {
    const body = await response.json();
    if (body && body.error) error = body.error;
  } catch (_) { /* not JSON */ }
  return { type: error.type, problems: error.problems || [], text: errorText(error.type, response.status) };
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

// --- messages at a field: conflicts, errors, offers, notes; tied to the inputs -----------------

function box(name, className) {
  const field = fieldBox(name);
  let element = field.querySelector(":scope > ." + className);
  if (!element) {
    element = document.createElement(className === "offer" ? "div" : "p");
    element.className = className;
    element.id = name + "-" + className;
    element.hidden = true;
    field.append(element);
  }
  return element;
}

function controls(name) {
  return fieldBox(name).querySelectorAll("input, select, textarea");
}

// aria-describedby lists the visible messages of the field (and its hint); aria-invalid says an error or conflict.
function describe(name) {
  const field = fieldBox(name);
  const ids = [...field.querySelectorAll(".hint[id], .conflict, .error, .offer, .note")]
    .filter((element) => !element.hidden && element.id).map((element) => element.id);
  const error = [...field.querySelectorAll(".error")].some((element) => !element.hidden);
  const conflict = [...field.querySelectorAll(".conflict")].some((element) => !element.hidden);
  const invalid = error || conflict;
  for (const control of controls(name)) {
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
    if (invalid) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
  }
  field.classList.toggle("invalid", error);
  field.classList.toggle("has-conflict", conflict && !error);
}

function showError(name, text) {
  const element = box(name, "error");
  element.textContent = text;
  element.hidden = !text;
  describe(name);
}

function clearError(name) {
  if (fieldBox(name).querySelector(":scope > .error")) showError(name, "");
}

// --- reading a card -------------------------------------------------------------------------

async function scanImage(blob) {
  const body = new FormData();
  body.append("image", blob, "card.jpg");
  // mrz=false: the page reads QR codes only (a frame without one costs no MRZ search)
  const response = await fetch("/api/scan?mrz=false", { method: "POST", body });
  if (!response.ok) return { failure: await failure(response) };
  return { codes: (await response.json()).codes };
}

// The cards read on one image, the one asked for first (a photo may hold both cards).
function cardsFrom(codes, wanted) {
  const cards = codes.filter((code) => code.record && code.payload);
  return cards.sort((a, b) => (b.record.kind === wanted) - (a.record.kind === wanted));
}

function acceptCards(cards, wanted) {
  const names = [];
  for (const card of cards) {
    const kind = card.record.kind;
    if (names.includes(CARD_NAMES[kind])) continue;
    state.payloads[kind] = card.payload;
    state.records[kind] = card.record;
    const label = $("state-" + kind);
    label.textContent = (kind === "bhyt" ? "Thẻ BHYT" : "Thẻ CCCD") + ": đã đọc";
    label.dataset.read = "true";
    names.push(CARD_NAMES[kind]);
  }
  let notice = "";
  if (!cards.some((card) => card.record.kind === wanted)) {
    notice = "Ảnh chọn cho " + CARD_NAMES[wanted] + " là " + names.join(" và ") + ", không phải " +
      CARD_NAMES[wanted] + ": đã dùng làm " + names.join(" và ") + ". Hãy chọn ảnh " + CARD_NAMES[wanted] + ". ";
  }
  return prefill(notice);
}

async function readFile(kind, file) {
  if (!file) return;
  const generation = state.generation;
  setStatus("Đang đọc ảnh " + CARD_NAMES[kind] + "…", false);
  let result;
  try {
    result = await scanImage(file);
  } catch (_) {
    if (generation === state.generation) setStatus(MESSAGES.fallback.network, true);
    return;
  }
  if (generation !== state.generation) return;
  if (result.failure) {
    setStatus(result.failure.text, true);
    return;
  }
  const cards = cardsFrom(result.codes, kind);
  if (cards.length) {
    await acceptCards(cards, kind);
  } else if (result.codes.length) {
    const error = result.codes[0].error;
    setStatus(errorText(error ? error.type : "PayloadError", 422), true);
  } else {
    setStatus(errorText("NoCodeFound", 422), true);
  }
}

// --- the camera ---------------------------------------------------------------------------

async function detectCamera() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !navigator.mediaDevices.enumerateDevices) {
    return false;
  }
  try {
    const devices = await navigator.mediaDevices.enumerateDevices();
    return devices.some((device) => device.kind === "videoinput");
  } catch (_) {
    return false;
  }
}

async function openCamera(kind) {
  stopCamera();
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1920 }, height: { ideal: 1080 } },
      audio: false,
    });
  } catch (_) {
    setStatus("Không mở được máy ảnh: hãy chọn ảnh chụp " + CARD_NAMES[kind] + ".", true);
    $("file-" + kind).click();
    return;
  }
  const video = $("video");
  video.srcObject = stream;
  $("camera").hidden = false;
  $("camera").dataset.kind = kind;
  setStatus("Máy ảnh đang mở: đưa mã QR của " + CARD_NAMES[kind] + " vào khung hình.", false);
  // Once the frame has its size: the buttons and the status line in view (a laptop screen is short).
  video.addEventListener("loadedmetadata", () => $("camera").scrollIntoView({ block: "nearest" }), { once: true });
  try { await video.play(); } catch (_) { /* autoplay of a muted stream is allowed */ }
  $("camera").scrollIntoView({ block: "nearest" });
  state.camera = { kind, stream, deadline: Date.now() + CAMERA_TIMEOUT_MS, busy: false, timer: 0 };
  state.camera.timer = window.setInterval(sendFrame, FRAME_INTERVAL_MS);
}

function stopCamera() {
  const camera = state.camera;
  if (!camera) return;
  window.clearInterval(camera.timer);
  camera.stream.getTracks().forEach((track) => track.stop());
  $("video").srcObject = null;
  $("camera").hidden = true;
  state.camera = null;
}

function frameBlob(video) {
  const scale = Math.min(1, FRAME_MAX_WIDTH / video.videoWidth);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
}

async function sendFrame() {
  const camera = state.camera;
  if (!camera || camera.busy) return;
  if (Date.now() > camera.deadline) {
    stopCamera();
    setStatus("Hết thời gian: chưa đọc được mã QR. Thử lại hoặc chọn ảnh.", true);
    return;
  }
  const video = $("video");
  if (!video.videoWidth) return;
  camera.busy = true;
  try {
    const blob = await frameBlob(video);
    const result = blob ? await scanImage(blob) : { codes: [] };
    if (state.camera !== camera) return; // closed meanwhile
    const cards = result.codes ? cardsFrom(result.codes, camera.kind) : [];
    if (cards.length) {
      stopCamera();
      await acceptCards(cards, camera.kind);
    }
  } catch (_) {
    /* a lost frame: the next one is sent in a moment */
  } finally {
    camera.busy = false;
  }
}

// --- the form filled from the cards -----------------------------------------------------------

function birthText(reg) {
  const pad = (n) => String(n).padStart(2, "0");
  if (reg.date_of_birth) {
    const [y, m, d] = reg.date_of_birth.split("-");
    return d + "/" + m + "/" + y;
  }
  if (reg.month_of_birth && reg.year_of_birth) return pad(reg.month_of_birth) + "/" + reg.year_of_birth;
  return reg.year_of_birth ? String(reg.year_of_birth) : "";
}

function cardValues(reg) {
  const values = {};
  for (const name of CARD_FIELDS) values[name] = reg[name] === null || reg[name] === undefined ? "" : String(reg[name]);
  values.date_of_birth = birthText(reg);
  // The contact address the declaration takes when none is typed (vssid_id.declare): the 2025 one, else the card's.
  values.address_2025 = reg.address_2025 || reg.address || "";
  return values;
}

function value(name) {
  return $(name).value.trim();
}

// Typed by the person: the value on the page is not what the cards gave.
function isEdited(name) {
  return value(name) !== (state.scanned[name] || "");
}

// Green: as the cards give it; blue edge: typed by the person.
function markSource(name) {
  const typed = value(name) !== "" && isEdited(name);
  fieldBox(name).classList.toggle("filled", !typed && value(name) !== "" && CARD_FIELDS.includes(name));
  fieldBox(name).classList.toggle("typed", typed && Boolean(state.scanned[name]));
}

function setValue(name, text) {
  $(name).value = text;
  markSource(name);
  clearError(name);
}

// A card read later holds another value for a field the person typed: ask, never overwrite.
function offer(name, cardValue) {
  const element = box(name, "offer");
  element.textContent = "";
  const text = document.createElement("p");
  const shown = name === "gender" ? GENDER_LABELS[cardValue] || cardValue : cardValue;
  text.textContent = "Bạn đã sửa tay mục này; thẻ vừa đọc ghi: «" + shown + "». Dùng giá trị nào?";
  const use = document.createElement("button");
  use.type = "button";
  use.textContent = "Dùng giá trị trên thẻ";
  use.addEventListener("click", () => {
    setValue(name, cardValue);
    element.hidden = true;
    showConflicts();
    describe(name);
    $(name).focus();
  });
  const keep = document.createElement("button");
  keep.type = "button";
  keep.textContent = "Giữ giá trị đã sửa";
  keep.addEventListener("click", () => { element.hidden = true; describe(name); $(name).focus(); });
  element.append(text, use, keep);
  element.hidden = false;
  describe(name);
}

function fill(reg) {
  const values = cardValues(reg);
  for (const name of CARD_FIELDS) {
    const before = state.scanned[name] || "";
    const current = value(name);
    const next = values[name];
    if (current !== "" && current !== before) {          // typed by the person
      if (next !== "" && next !== before && next !== current) offer(name, next);
    } else {
      setValue(name, next);                             // from the cards; "" clears what another card filled
    }
    state.scanned[name] = next;
    markSource(name);
  }
  if (!state.officeByHand) preselectOffice(reg);
  showFindings(reg);
  review();
}

function conflictValues(field) {
  const show = (record) => {
    if (!record || record[field] === undefined || record[field] === null) return null;
    const v = record[field];
    return field === "gender" ? GENDER_LABELS[v] || v : String(v);
  };
  const bhyt = show(state.records.bhyt);
  const cccd = show(state.records.cccd);
  if (bhyt === null || cccd === null) return "";
  return "Thẻ BHYT: " + bhyt + " · Thẻ CCCD: " + cccd;
}

// A conflict between the cards shows at its field until the person types the field (then it is theirs).
function showConflicts() {
  const conflicts = state.registration ? state.registration.conflicts || [] : [];
  document.querySelectorAll(".field > .conflict").forEach((element) => {
    element.hidden = true;
    element.textContent = "";
  });
  for (const conflict of conflicts) {
    const name = FIELD_ALIASES[conflict.field] || conflict.field;
    if (!fieldBox(name) || isEdited(name)) continue;
    const element = box(name, "conflict");
    const line = document.createElement("span");
    line.textContent = findingText(conflict.kind);
    element.append(line);
    const values = conflictValues(conflict.field);
    if (values) {
      const detail = document.createElement("span");
      detail.className = "values";
      detail.textContent = values;
      element.append(detail);
    }
    element.dataset.kind = conflict.kind;
    element.hidden = false;
  }
  document.querySelectorAll(".field[data-field]").forEach((field) => describe(field.dataset.field));
}

function listItem(finding, className) {
  const item = document.createElement("li");
  item.className = className;
  item.textContent = findingText(finding.kind);
  item.dataset.kind = finding.kind;
  $("notes").append(item);
  $("notes").hidden = false;
}

function showFindings(reg) {
  document.querySelectorAll(".field > .note").forEach((note) => note.remove());
  $("notes").textContent = "";
  $("notes").hidden = true;
  for (const conflict of reg.conflicts || []) {
    const name = FIELD_ALIASES[conflict.field] || conflict.field;
    if (!fieldBox(name)) listItem(conflict, "conflict-item");
  }
  for (const note of reg.notes || []) {
    const name = NOTE_FIELDS[note.field] || FIELD_ALIASES[note.field] || note.field;
    if (!fieldBox(name)) {
      listItem(note, "note-item");
      continue;
    }
    const line = document.createElement("p");
    line.className = "note";
    line.id = name + "-note-" + note.kind;
    line.dataset.kind = note.kind;
    line.textContent = findingText(note.kind);
    if (note.kind === "address_ambiguous") {
      for (const candidate of reg.address_candidates || []) {  // a click puts it in the contact address
        const option = document.createElement("button");
        option.type = "button";
        option.className = "candidate";
        option.textContent = candidate;
        option.addEventListener("click", () => {
          $("address_2025").value = candidate;
          markSource("address_2025");
          clearError("address_2025");
          review();
          $("address_2025").focus();
        });
        line.append(option);
      }
    }
    fieldBox(name).append(line);
  }
  showConflicts();
}

async function prefill(notice) {
  const payloads = ["bhyt", "cccd"].map((kind) => state.payloads[kind]).filter(Boolean);
  if (!payloads.length) return;
  const seq = ++state.prefillSeq;
  const generation = state.generation;
  let response;
  try {
    response = await fetch("/api/prefill", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ payloads }),
    });
  } catch (_) {
    if (generation === state.generation) setStatus(MESSAGES.fallback.network, true);
    return;
  }
  if (seq !== state.prefillSeq || generation !== state.generation) return; // a newer card, or "Làm lại"
  if (!response.ok) {
    setStatus((await failure(response)).text, true);
    return;
  }
  const body = await response.json();
  if (seq !== state.prefillSeq || generation !== state.generation) return;
  state.registration = body.registration;
  fill(body.registration);
  const count = (body.registration.conflicts || []).length;
  const read = ["bhyt", "cccd"].filter((kind) => state.payloads[kind]).map((kind) => CARD_NAMES[kind]);
  setStatus(notice + "Đã điền tờ khai từ " + read.join(" và ") +
    (count ? ": " + count + " điểm cần kiểm tra." : "."), Boolean(notice));
  document.body.dataset.filled = "true";
  document.body.dataset.prefills = String(++state.prefills);
}

// --- checks as the person leaves a field -------------------------------------------------------

async function check(names) {
  const body = {};
  for (const name of names) body[CHECKED[name]] = value(name);
  const generation = state.generation;
  let response;
  try {
    response = await fetch("/api/check", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  } catch (_) {
    return null;
  }
  if (generation !== state.generation || !response.ok) return null;
  const result = await response.json();
  const pageName = (field) => Object.keys(CHECKED).find((name) => CHECKED[name] === field) || field;
  const problems = {};
  for (const problem of result.problems) problems[pageName(problem.field)] = problem;
  for (const name of names) {
    state.checked[name] = body[CHECKED[name]];
    showError(name, problems[name] ? problemText(problems[name]) : "");
    const normal = result.values[CHECKED[name]];
    if (!problems[name] && normal && ["phone", "email", "date_of_birth"].includes(name) && normal !== value(name)) {
      $(name).value = normal;  // the library's form: 0912345678, a lower-case domain, 05/03/1990
      state.checked[name] = normal;
      markSource(name);
    }
  }
  return Object.keys(problems).length === 0;
}

function leave(name) {
  const text = value(name);
  if (text === "" || state.checked[name] === text) return;
  check([name]);
}

// --- the photos ----------------------------------------------------------------------------------

// A phone photo (12 MP, several MB) is scaled down before it is sent: declare() then stays well under half a
// second (docs/benchmarks.md), the upload is small, and the re-encoding drops the photo's metadata (place,
// device) in the browser already. The card sides go at the 1600 px the server keeps anyway
// (vssid_id.declaration.photos.CARD_LONG_SIDE); the portrait keeps more, so that a face a quarter of the
// frame wide still gives the 4x6 crop the server needs (MIN_PORTRAIT_SIZE: a crop two faces wide, 236 px at
// least). A format the browser cannot draw (HEIC outside Safari) is sent as it is: the server reads it.
const PHOTO_MAX_SIDE = { portrait: 2400, id_front: 1600, id_back: 1600 };

async function shrink(file, maxSide) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (_) {
    return file;
  }
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.type === "image/jpeg") {
    bitmap.close();
    return file;
  }
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.9));
  return blob || file;
}

function setPhoto(name, file) {
  if (!file) return;
  if (state.previews[name]) URL.revokeObjectURL(state.previews[name]);
  state.photos[name] = file;
  const generation = state.generation;
  shrink(file, PHOTO_MAX_SIDE[name]).then((small) => {
    if (generation === state.generation && state.photos[name] === file) state.photos[name] = small;
  });
  state.previews[name] = URL.createObjectURL(file);
  const preview = $(name + "-preview");
  preview.textContent = "";
  const image = document.createElement("img");
  image.src = state.previews[name];
  image.alt = "Ảnh đã chọn: " + $(name + "-title").firstChild.textContent.trim();
  preview.append(image);
  preview.classList.add("has-photo");
  clearError(name);
  review();
}

function clearPhotos() {
  for (const name of PHOTOS) {
    if (state.previews[name]) URL.revokeObjectURL(state.previews[name]);
    const preview = $(name + "-preview");
    preview.textContent = "";
    const empty = document.createElement("span");
    empty.textContent = "Chưa có ảnh";
    preview.append(empty);
    preview.classList.remove("has-photo");
  }
  state.photos = {};
  state.previews = {};
}

// --- the office: search by today's name or a former province ----------------------------------------

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .replace(/\b(bao hiem xa hoi|bhxh|tinh|thanh pho|tp|khu vuc)\b/g, " ")
    .replace(/\s+/g, " ").trim();
}

function officeMatches(query) {
  const q = fold(query);
  const ranked = [];
  OFFICES.forEach((office) => {
    const places = [office.province_2025, ...office.former_provinces].map(fold);
    let rank = -1;
    if (!q) rank = 4;
    else if (places.includes(q)) rank = 0;
    else if (places.some((place) => place.startsWith(q))) rank = 1;
    else if (places.some((place) => place.includes(q))) rank = 2;
    else if (fold(office.name).includes(q)) rank = 3;
    if (rank >= 0) ranked.push([rank, fold(office.province_2025), office]);
  });
  ranked.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return ranked.map((item) => item[2]);
}

function covers(office) {
  const former = office.former_provinces.filter((name) => name !== office.province_2025);
  return former.length ? "Gồm cả tỉnh, thành phố cũ: " + office.former_provinces.join(", ") : "";
}

function renderOffices() {
  const list = $("office-list");
  list.textContent = "";
  state.officeShown = officeMatches($("office").value);
  state.officeShown.forEach((office, index) => {
    const item = document.createElement("li");
    item.id = "office-option-" + index;
    item.setAttribute("role", "option");
    item.setAttribute("aria-selected", index === state.officeActive ? "true" : "false");
    const name = document.createElement("span");
    name.className = "office-name";
    name.textContent = office.name;
    item.append(name);
    const more = covers(office);
    if (more) {
      const detail = document.createElement("span");
      detail.className = "office-covers";
      detail.textContent = more;
      item.append(detail);
    }
    item.addEventListener("mousedown", (event) => event.preventDefault());
    item.addEventListener("click", () => chooseOffice(office, true));
    list.append(item);
  });
  if (!state.officeShown.length) {
    const item = document.createElement("li");
    item.className = "office-none";
    item.textContent = "Không tìm thấy: hãy gõ tên tỉnh, thành phố khác.";
    list.append(item);
  }
  const input = $("office");
  if (state.officeActive >= 0) input.setAttribute("aria-activedescendant", "office-option-" + state.officeActive);
  else input.removeAttribute("aria-activedescendant");
}

function openOffices(open) {
  $("office-list").hidden = !open;
  $("office").setAttribute("aria-expanded", open ? "true" : "false");
  if (!open) {
    state.officeActive = -1;
    $("office").removeAttribute("aria-activedescendant");
  }
}

function chooseOffice(office, byHand) {
  state.office = office;
  if (byHand) state.officeByHand = true;
  $("office").value = office ? office.name : "";
  const detail = $("office-detail");
  if (office) {
    detail.textContent = "Tiếp nhận hồ sơ của người ở: " + office.former_provinces.join(", ") +
      " (tỉnh, thành phố trước 01/07/2025)" + (byHand ? "." : "; chọn sẵn theo địa chỉ trên thẻ.");
  }
  detail.hidden = !office;
  fieldBox("office").classList.toggle("filled", Boolean(office) && !byHand && !state.officeByHand);
  openOffices(false);
  clearError("office");
  review();
}

function preselectOffice(reg) {
  let office = null;
  const given = reg.office && (reg.office.name || reg.office);
  if (typeof given === "string") office = OFFICES.find((o) => o.name === given) || null;
  if (!office && reg.province_2025) {
    office = OFFICES.find((o) => fold(o.province_2025) === fold(reg.province_2025)) || null;
  }
  if (office) chooseOffice(office, false);
}

function officeKey(event) {
  const list = $("office-list");
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    if (list.hidden) openOffices(true);
    const last = state.officeShown.length - 1;
    if (last < 0) return;
    const step = event.key === "ArrowDown" ? 1 : -1;
    state.officeActive = state.officeActive < 0 ? (step > 0 ? 0 : last)
      : Math.max(0, Math.min(last, state.officeActive + step));
    renderOffices();
    $("office-option-" + state.officeActive).scrollIntoView({ block: "nearest" });
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (list.hidden) return;
    const office = state.officeShown[state.officeActive >= 0 ? state.officeActive : 0];
    if (office) chooseOffice(office, true);
  } else if (event.key === "Escape") {
    openOffices(false);
  }
}

// --- the steps -----------------------------------------------------------------------------------

const STEP_OF = { portrait: 2, id_front: 2, id_back: 2, office: 3 };

function stepOf(name) {
  return STEP_OF[name] || 1;
}

function goTo(step, focus) {
  state.step = step;
  document.querySelectorAll(".step").forEach((section) => {
    section.classList.toggle("current", Number(section.dataset.step) === step);
  });
  document.querySelectorAll(".goto").forEach((button) => {
    if (Number(button.dataset.goto) === step) button.setAttribute("aria-current", "step");
    else button.removeAttribute("aria-current");
  });
  if (step === 4) review();
  if (focus !== false) {
    const title = $("step-" + step + "-title");
    title.focus({ preventScroll: true });
    title.scrollIntoView({ block: "start" });
  }
}

function missing(step) {
  return REQUIRED[step].filter((name) => {
    if (PHOTOS.includes(name)) return !state.photos[name];
    if (name === "office") return !state.office;
    return !value(name);
  });
}

function firstProblem(names) {
  const name = names[0];
  if (PHOTOS.includes(name)) $(name + "-gallery").focus();
  else $(name).focus();
}

async function next(step) {
  const empty = missing(step);
  for (const name of empty) showError(name, problemText({ field: name === "address_2025" ? "contact_address" : name,
    kind: "missing" }));
  let ok = empty.length === 0;
  if (step === 1) {
    const typed = Object.keys(CHECKED).filter((name) => value(name) !== "");
    if (typed.length && !(await check(typed))) ok = false;
  }
  if (step === 2 && ok && !(await checkPhotos())) ok = false;
  if (!ok) {
    const invalid = [...document.querySelectorAll('.step[data-step="' + step + '"] .field.invalid')]
      .map((field) => field.dataset.field);
    setStatus("Còn mục chưa đúng hoặc chưa điền ở bước này: xem thông báo ở từng mục.", true);
    firstProblem(empty.length ? empty : invalid.length ? invalid : [REQUIRED[step][0]]);
    return;
  }
  goTo(step + 1);
}

// --- the declaration ---------------------------------------------------------------------------

function declarationForm() {
  const body = new FormData();
  for (const kind of ["bhyt", "cccd"]) if (state.payloads[kind]) body.append("payload", state.payloads[kind]);
  for (const name of CARD_FIELDS) {
    const apiName = name === "address_2025" ? "contact_address" : name;
    if (isEdited(name)) body.append(apiName, value(name));
  }
  body.append("phone", value("phone"));
  body.append("email", value("email"));
  if (state.office) body.append("office", state.office.name);
  for (const name of PHOTOS) if (state.photos[name]) body.append(name, state.photos[name], name + ".jpg");
  return body;
}

// The photos checked by vssid_id.declare() on the server before the next step (?check=true builds no PDF).
async function checkPhotos() {
  if (!state.payloads.bhyt && !state.payloads.cccd) return true;  // checked at "Gửi", once there are cards
  const generation = state.generation;
  setStatus("Đang kiểm tra ảnh…", false);
  let response;
  try {
    response = await fetch("/api/declaration?check=true", { method: "POST", body: declarationForm() });
  } catch (_) {
    return true;
  }
  if (generation !== state.generation) return false;
  setStatus("", false);
  if (response.ok) return true;
  const fail = await failure(response);
  const photoProblems = fail.problems.filter((problem) => PHOTOS.includes(problem.field));
  showProblems(photoProblems);
  return photoProblems.length === 0;
}

function review() {
  const list = $("review");
  list.textContent = "";
  const rows = [];
  for (const field of document.querySelectorAll('.step[data-step="1"] .field')) {
    const control = field.querySelector("input, select, textarea");
    const label = field.querySelector("label").firstChild.textContent.trim();
    const shown = control.tagName === "SELECT" ? (control.value ? control.selectedOptions[0].textContent : "")
      : control.value.trim();
    rows.push([label, shown]);
  }
  rows.push(["Ảnh", PHOTOS.filter((name) => state.photos[name]).length + " / 3 ảnh"]);
  rows.push(["Cơ quan BHXH tiếp nhận", state.office ? state.office.name : ""]);
  const open = (state.registration ? state.registration.conflicts || [] : []).filter((conflict) => {
    const name = FIELD_ALIASES[conflict.field] || conflict.field;
    return !fieldBox(name) || !isEdited(name);
  });
  rows.push(["Điểm cần kiểm tra", open.map((conflict) => findingText(conflict.kind)).join(" ") || "Không có"]);
  for (const [label, shown] of rows) {
    const term = document.createElement("dt");
    term.textContent = label;
    const detail = document.createElement("dd");
    detail.textContent = shown || "—";
    list.append(term, detail);
  }
}

function showProblems(problems) {
  const page = (field) => FIELD_ALIASES[field] || field;
  const named = [];
  const other = [];
  for (const problem of problems) {
    const name = page(problem.field);
    if (fieldBox(name) && name !== "address") {
      showError(name, problemText(problem));
      named.push(name);
    } else {
      other.push(problemText(problem));
    }
  }
  return { named, other };
}

function download(blob, link) {
  const url = URL.createObjectURL(blob);
  state.downloads.push(url);
  link.href = url;
}

async function submit() {
  const generation = state.generation;
  if (!state.payloads.bhyt && !state.payloads.cccd) {
    setStatus(errorText("NoCard", 422), true);
    goTo(1);
    return;
  }
  setStatus("Đang tạo tờ khai…", false);
  $("submit").disabled = true;
  try {
    // One request, one declare(): the JSON with the PDF in it (base64).
    const asJson = await fetch("/api/declaration?pdf=true", {
      method: "POST", headers: { Accept: "application/json" }, body: declarationForm(),
    });
    if (generation !== state.generation) return;
    if (!asJson.ok) {
      const fail = await failure(asJson);
      if (fail.problems.length) {
        const { named, other } = showProblems(fail.problems);
        const steps = named.map(stepOf);
        setStatus("Tờ khai chưa tạo được: " + (other.length ? other.join(" ") + " " : "") +
          (named.length ? "xem thông báo ở từng mục." : ""), true);
        if (named.length) {
          goTo(Math.min(...steps));
          firstProblem(named.filter((name) => stepOf(name) === Math.min(...steps)));
        }
      } else {
        setStatus(fail.text, true);
      }
      return;
    }
    const { pdf, ...declaration } = await asJson.json();
    if (generation !== state.generation) return;
    const pdfBytes = Uint8Array.from(atob(pdf), (character) => character.charCodeAt(0));
    download(new Blob([pdfBytes], { type: "application/pdf" }), $("pdf-link"));
    download(new Blob([JSON.stringify(declaration, null, 2)], { type: "application/json" }), $("json-link"));
    $("result").hidden = false;
    setStatus("Đã tạo tờ khai: tệp PDF đang được tải xuống.", false);
    $("pdf-link").click();
    $("pdf-link").focus();
  } catch (_) {
    if (generation === state.generation) setStatus(MESSAGES.fallback.network, true);
  } finally {
    $("submit").disabled = false;
  }
}

// --- "Làm lại": nothing of this person stays --------------------------------------------------------

function reset() {
  stopCamera();
  state.generation += 1;
  state.prefillSeq += 1;
  state.payloads = { bhyt: null, cccd: null };
  state.records = { bhyt: null, cccd: null };
  state.registration = null;
  state.scanned = {};
  state.checked = {};
  HTMLFormElement.prototype.reset.call($("form"));  // (a control named "reset" must never shadow the method)
  document.querySelectorAll("#form input, #form textarea").forEach((control) => { control.value = ""; });
  $("gender").value = "";
  document.querySelectorAll(".field > .conflict, .field > .error, .field > .offer, .field > .note")
    .forEach((element) => element.remove());
  document.querySelectorAll(".field").forEach((field) => {
    field.classList.remove("filled", "typed", "invalid", "has-conflict");
    if (field.dataset.field) describe(field.dataset.field);
  });
  $("notes").textContent = "";
  $("notes").hidden = true;
  clearPhotos();
  state.officeByHand = false;
  chooseOffice(null, false);
  for (const url of state.downloads) URL.revokeObjectURL(url);
  state.downloads = [];
  $("pdf-link").removeAttribute("href");
  $("json-link").removeAttribute("href");
  $("result").hidden = true;
  $("review").textContent = "";
  for (const kind of ["bhyt", "cccd"]) {
    $("state-" + kind).textContent = (kind === "bhyt" ? "Thẻ BHYT" : "Thẻ CCCD") + ": chưa đọc";
    $("state-" + kind).dataset.read = "false";
  }
  delete document.body.dataset.filled;
  goTo(1);
  setStatus("Đã xoá toàn bộ thông tin: sẵn sàng cho người tiếp theo.", false);
}

function start() {
  detectCamera().then((found) => { state.hasCamera = found; });
  document.querySelectorAll(".scan-button").forEach((button) => {
    button.addEventListener("click", () => {
      const kind = button.dataset.kind;
      // No camera: the file picker, opened within the click so that the browser allows it.
      if (state.hasCamera) openCamera(kind); else $("file-" + kind).click();
    });
  });
  document.querySelectorAll("input.file[data-kind]").forEach((input) => {
    input.addEventListener("change", () => {
      readFile(input.dataset.kind, input.files[0]);
      input.value = "";
    });
  });
  document.querySelectorAll("input.file[data-photo]").forEach((input) => {
    input.addEventListener("change", () => {
      setPhoto(input.dataset.photo, input.files[0]);
      input.value = "";
    });
  });
  $("camera-close").addEventListener("click", () => { stopCamera(); setStatus("", false); });
  $("camera-file").addEventListener("click", () => {
    const kind = $("camera").dataset.kind || "bhyt";
    stopCamera();
    $("file-" + kind).click();
  });
  for (const name of Object.keys(CHECKED)) {
    $(name).addEventListener("blur", () => leave(name));
    $(name).addEventListener("input", () => {
      if (fieldBox(name).querySelector(":scope > .error:not([hidden])")) clearError(name);
      markSource(name);
      if (CARD_FIELDS.includes(name)) showConflicts();
    });
  }
  $("gender").addEventListener("change", () => { markSource("gender"); showConflicts(); });
  const office = $("office");
  office.addEventListener("input", () => {
    state.office = null;
    state.officeActive = -1;
    $("office-detail").hidden = true;
    openOffices(true);
    renderOffices();
  });
  office.addEventListener("focus", () => { openOffices(true); renderOffices(); });
  office.addEventListener("blur", () => {
    openOffices(false);
    if (!state.office) {
      const exact = OFFICES.find((o) => o.name === office.value.trim());
      if (exact) chooseOffice(exact, true);
    }
  });
  office.addEventListener("keydown", officeKey);
  document.querySelectorAll(".next").forEach((button) => {
    button.addEventListener("click", () => next(Number(button.closest(".step").dataset.step)));
  });
  document.querySelectorAll(".back").forEach((button) => {
    button.addEventListener("click", () => goTo(Number(button.closest(".step").dataset.step) - 1));
  });
  document.querySelectorAll(".goto").forEach((button) => {
    button.addEventListener("click", () => goTo(Number(button.dataset.goto)));
  });
  // The summary of the last step follows every change (on a phone it is on screen with the rest).
  $("form").addEventListener("input", review);
  $("form").addEventListener("change", review);
  $("submit").addEventListener("click", submit);
  $("restart").addEventListener("click", reset);
  if (!OFFICES.length) showError("office", "Máy chủ chưa có danh sách cơ quan BHXH. Hãy báo cho người quản trị.");
}

start();
