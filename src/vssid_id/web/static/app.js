// vssid-serve: the registration form fills itself from the BHYT and CCCD QR codes.
// Plain JS, no build step, no other host: every request goes to this server (see the CSP header).
"use strict";

const FRAME_INTERVAL_MS = 300;   // about three camera frames a second go to /api/scan
const CAMERA_TIMEOUT_MS = 60000; // the camera stops by itself after a minute
const FRAME_MAX_WIDTH = 1280;
const CARD_NAMES = { bhyt: "thẻ BHYT", cccd: "thẻ CCCD" };
const GENDER_LABELS = { male: "Nam", female: "Nữ" };
// Record fields of a conflict that have no field of their own on the form.
const FIELD_ALIASES = { year_of_birth: "date_of_birth", month_of_birth: "date_of_birth" };
// Conflict and note kinds (vssid_id.registration) worded in Vietnamese; any other shows the server's message.
const FINDING_TEXT = {
  name_diacritics: "Họ tên trên hai thẻ chỉ khác nhau ở dấu tiếng Việt (lỗi nhập liệu thường gặp): kiểm tra lại.",
  name: "Họ tên trên hai thẻ khác nhau.",
  date_of_birth: "Ngày sinh trên hai thẻ khác nhau.",
  gender: "Giới tính trên hai thẻ khác nhau.",
  id_card_expired: "Thẻ CCCD đã hết hạn sử dụng (đến tuổi phải đổi thẻ).",
  id_card_expiry_unknown: "Không xác định được hạn sử dụng của thẻ CCCD.",
  bhyt_not_in_force: "Thẻ BHYT không còn (hoặc chưa có) giá trị sử dụng; mã số BHXH trên thẻ vẫn đúng.",
  no_bhyt_card: "Chưa quét thẻ BHYT: chưa có Mã số BHXH.",
  no_identity_card: "Chưa quét thẻ CCCD: chưa có số CCCD; các thông tin khác lấy từ thẻ BHYT.",
  address_ambiguous: "Phường, xã cũ nay thuộc nhiều đơn vị mới: chọn địa chỉ đúng trong các địa chỉ sau.",
  address_not_found: "Không tìm được địa chỉ theo đơn vị hành chính mới: hãy nhập tay.",
  unreadable_code: "Có mã QR không phải của thẻ, đã bỏ qua.",
};
// Notes shown beside another field than the one they name.
const NOTE_FIELDS = { address: "address_2025" };

const state = {
  payloads: { bhyt: null, cccd: null }, // the QR texts read so far, one per card
  records: { bhyt: null, cccd: null },
  registration: null,
  prefillSeq: 0,
  hasCamera: false,
  camera: null, // {kind, stream, timer, deadline, busy}
};

const $ = (id) => document.getElementById(id);

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

async function apiError(response) {
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch (_) { /* not JSON */ }
  return "lỗi " + response.status;
}

// --- reading a card -------------------------------------------------------------------------

async function scanImage(blob) {
  const body = new FormData();
  body.append("image", blob, "card.jpg");
  // mrz=false: the page reads QR codes only (a frame without one costs no MRZ search)
  const response = await fetch("/api/scan?mrz=false", { method: "POST", body });
  if (!response.ok) {
    return { error: await apiError(response), status: response.status };
  }
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
  const note = cards.some((card) => card.record.kind === wanted) ? "" : " (không phải " + CARD_NAMES[wanted] + ")";
  setStatus("Đã đọc " + names.join(" và ") + note + ".", false);
  return prefill();
}

async function readFile(kind, file) {
  if (!file) return;
  setStatus("Đang đọc ảnh " + CARD_NAMES[kind] + "…", false);
  let result;
  try {
    result = await scanImage(file);
  } catch (_) {
    setStatus("Không gửi được ảnh tới máy chủ.", true);
    return;
  }
  if (result.error) {
    setStatus("Không đọc được ảnh: " + result.error, true);
    return;
  }
  const cards = cardsFrom(result.codes, kind);
  if (cards.length) {
    await acceptCards(cards, kind);
  } else if (result.codes.length) {
    const error = result.codes[0].error;
    setStatus("Mã QR đọc được nhưng không phải thẻ hợp lệ: " + (error ? error.message : ""), true);
  } else {
    setStatus("Không tìm thấy mã QR trên ảnh. Chụp lại gần hơn, đủ sáng, không lóa.", true);
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
  try { await video.play(); } catch (_) { /* autoplay of a muted stream is allowed */ }
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

// --- the form -------------------------------------------------------------------------------

function birthText(reg) {
  const pad = (n) => String(n).padStart(2, "0");
  if (reg.date_of_birth) {
    const [y, m, d] = reg.date_of_birth.split("-");
    return d + "/" + m + "/" + y;
  }
  if (reg.month_of_birth && reg.year_of_birth) return pad(reg.month_of_birth) + "/" + reg.year_of_birth;
  return reg.year_of_birth ? String(reg.year_of_birth) : "";
}

function setField(name, value) {
  if (value === null || value === undefined || value === "") return;
  const element = $(name);
  if (element.tagName === "SELECT" && ![...element.options].some((option) => option.value === value)) {
    element.add(new Option(value, value));
  }
  element.value = value;
  element.closest(".field").classList.add("filled");
}

function conflictValues(field) {
  const show = (record) => {
    if (!record || record[field] === undefined || record[field] === null) return null;
    const value = record[field];
    return field === "gender" ? GENDER_LABELS[value] || value : String(value);
  };
  const bhyt = show(state.records.bhyt);
  const cccd = show(state.records.cccd);
  if (bhyt === null || cccd === null) return "";
  return "Thẻ BHYT: " + bhyt + " · Thẻ CCCD: " + cccd;
}

function clearFindings() {
  document.querySelectorAll(".field").forEach((field) => {
    field.classList.remove("has-conflict");
    field.querySelectorAll(".note").forEach((note) => note.remove());
    const box = field.querySelector(".conflict");
    box.hidden = true;
    box.textContent = "";
    delete box.dataset.kind;
  });
  const notes = $("notes");
  notes.textContent = "";
  notes.hidden = true;
}

function listItem(finding, text, className) {
  const item = document.createElement("li");
  item.className = className;
  item.textContent = text;
  item.dataset.kind = finding.kind;
  item.dataset.field = finding.field;
  $("notes").append(item);
  $("notes").hidden = false;
}

// Conflicts (the cards disagree, the identity card has expired) in the field's orange box;
// notes (something to know) in a quieter line; either in the list under the form when the
// form has no field for it.
function showFindings(reg) {
  clearFindings();
  for (const conflict of reg.conflicts || []) {
    const name = FIELD_ALIASES[conflict.field] || conflict.field;
    const field = document.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
    const text = FINDING_TEXT[conflict.kind] || conflict.message;
    if (!field) {
      listItem(conflict, text, "conflict-item");
      continue;
    }
    field.classList.add("has-conflict");
    const box = field.querySelector(".conflict");
    const line = document.createElement("span");
    line.textContent = text;
    box.append(line);
    const values = conflictValues(conflict.field);
    if (values) {
      const detail = document.createElement("span");
      detail.className = "values";
      detail.textContent = values;
      box.append(detail);
    }
    box.dataset.kind = conflict.kind;
    box.hidden = false;
  }
  for (const note of reg.notes || []) {
    const name = NOTE_FIELDS[note.field] || FIELD_ALIASES[note.field] || note.field;
    const field = document.querySelector('.field[data-field="' + CSS.escape(name) + '"]');
    const text = FINDING_TEXT[note.kind] || note.message;
    if (!field) {
      listItem(note, text, "note-item");
      continue;
    }
    const line = document.createElement("p");
    line.className = "note";
    line.dataset.kind = note.kind;
    line.textContent = text;
    if (note.kind === "address_ambiguous") {
      for (const candidate of reg.address_candidates || []) {
        const option = document.createElement("span");
        option.className = "candidate";
        option.textContent = candidate;
        line.append(option);
      }
    }
    field.append(line);
  }
}

function fill(reg) {
  for (const name of ["full_name", "bhxh_code", "id_number", "old_id_number", "address", "address_2025"]) {
    setField(name, reg[name]);
  }
  setField("date_of_birth", birthText(reg));
  setField("gender", reg.gender);
  setField("province_2025", reg.province_2025);
  showFindings(reg);
}

async function prefill() {
  const payloads = ["bhyt", "cccd"].map((kind) => state.payloads[kind]).filter(Boolean);
  if (!payloads.length) return;
  const seq = ++state.prefillSeq;
  let response;
  try {
    response = await fetch("/api/prefill", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ payloads }),
    });
  } catch (_) {
    setStatus("Không gửi được dữ liệu tới máy chủ.", true);
    return;
  }
  if (seq !== state.prefillSeq) return; // a newer card was read meanwhile
  if (!response.ok) {
    setStatus("Không điền được tờ khai: " + (await apiError(response)), true);
    return;
  }
  const body = await response.json();
  state.registration = body.registration;
  fill(body.registration);
  const count = (body.registration.conflicts || []).length;
  const read = ["bhyt", "cccd"].filter((kind) => state.payloads[kind]).map((kind) => CARD_NAMES[kind]);
  setStatus("Đã điền tờ khai từ " + read.join(" và ") + (count ? ": " + count + " điểm cần kiểm tra." : "."), false);
  document.body.dataset.filled = "true";
}

function formValues() {
  const values = {};
  document.querySelectorAll("#form .field").forEach((field) => {
    const element = field.querySelector("input, select, textarea");
    const label = field.querySelector("label").firstChild.textContent.trim();
    const value = element.tagName === "SELECT" && element.value ? element.selectedOptions[0].textContent : element.value;
    values[label] = value.trim();
  });
  return values;
}

function save() {
  const missing = ["full_name", "bhxh_code"].filter((name) => !$(name).value.trim());
  if (missing.length) {
    setStatus("Chưa có Họ và tên hoặc Mã số BHXH: quét thẻ hoặc nhập tay.", true);
    $(missing[0]).focus();
    return;
  }
  const document_ = {
    to_khai: formValues(),
    conflicts: state.registration ? state.registration.conflicts : [],
    notes: state.registration ? state.registration.notes || [] : [],
    registration: state.registration,
  };
  const blob = new Blob([JSON.stringify(document_, null, 2)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "to-khai-bhxh.json";
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  setStatus("Đã ghi nhận: tờ khai được tải xuống dưới dạng JSON.", false);
}

function reset() {
  stopCamera();
  state.payloads = { bhyt: null, cccd: null };
  state.records = { bhyt: null, cccd: null };
  state.registration = null;
  state.prefillSeq += 1;
  $("form").reset();
  document.querySelectorAll(".field").forEach((field) => field.classList.remove("filled"));
  clearFindings();
  for (const kind of ["bhyt", "cccd"]) {
    $("state-" + kind).textContent = (kind === "bhyt" ? "Thẻ BHYT" : "Thẻ CCCD") + ": chưa đọc";
    $("state-" + kind).dataset.read = "false";
  }
  delete document.body.dataset.filled;
  setStatus("", false);
}

function start() {
  detectCamera().then((found) => { state.hasCamera = found; });
  document.querySelectorAll(".scan-button").forEach((button) => {
    button.addEventListener("click", () => {
      const kind = button.dataset.kind;
      // No camera: the file picker, opened within the click so that the browser allows it
      // (on a phone, capture="environment" offers the camera app).
      if (state.hasCamera) openCamera(kind); else $("file-" + kind).click();
    });
  });
  document.querySelectorAll("input.file").forEach((input) => {
    input.addEventListener("change", () => {
      readFile(input.dataset.kind, input.files[0]);
      input.value = "";
    });
  });
  $("camera-close").addEventListener("click", () => { stopCamera(); setStatus("", false); });
  $("camera-file").addEventListener("click", () => {
    const kind = $("camera").dataset.kind || "bhyt";
    stopCamera();
    $("file-" + kind).click();
  });
  $("save").addEventListener("click", save);
  $("reset").addEventListener("click", reset);
}

start();
