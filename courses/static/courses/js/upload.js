// Material upload: a drag-and-drop zone and a progress bar. Without JavaScript the form posts
// normally (up to the plain upload's limit); with it the file goes up in pieces, each its own POST
// (courses/upload_views.py): a lost connection or a reload resumes where the server says the file
// stops, and no request is ever larger than one piece.
const form = document.querySelector("form[data-upload]");

if (form) {
  const input = form.querySelector('input[type="file"]');
  const zone = form.querySelector("[data-dropzone]");
  const zoneText = form.querySelector("[data-dropzone-text]");
  const progress = form.querySelector("[data-progress]");
  const bar = progress.querySelector(".progress-bar");
  const alertBox = form.querySelector("[data-upload-error]");
  const submit = form.querySelector('button[type="submit"]');
  const maxBytes = Number(form.dataset.maxBytes || 0);

  const showFile = () => {
    const file = input.files[0];
    zoneText.textContent = file ? `${file.name} (${formatSize(file.size)})` : zoneText.dataset.empty;
  };
  zoneText.dataset.empty = zoneText.textContent;

  ["dragenter", "dragover"].forEach((name) =>
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    }),
  );
  ["dragleave", "drop"].forEach((name) =>
    zone.addEventListener(name, () => zone.classList.remove("dragging")),
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      showFile();
    }
  });
  input.addEventListener("change", showFile);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors();
    const file = input.files[0];
    if (!file) {
      showErrors({ file: [input.validationMessage || "Choose a file to upload."] });
      return;
    }
    if (maxBytes && file.size > maxBytes) {
      showErrors({ file: [form.dataset.tooLarge] });
      return;
    }
    sendInPieces(file);
  });

  const statusLine = form.querySelector("[data-upload-status]");
  const csrf = form.querySelector('input[name="csrfmiddlewaretoken"]').value;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const RETRY_DELAYS = [1, 2, 4, 8, 15]; // seconds, then every 15 s while the page is open
  let active = null; // the upload being sent

  // Cancel during an upload also deletes what the server has of it (else it waits to expire).
  const cancelLink = form.querySelector("[data-upload-cancel]");
  cancelLink.addEventListener("click", async (event) => {
    if (!active) return;
    event.preventDefault();
    const upload = active;
    active = null;
    await request("POST", upload.cancel);
    window.location.assign(cancelLink.href);
  });

  // One request as a promise; `onProgress(loaded)` follows the body going up. A network failure
  // resolves with status 0, so the caller can wait and ask the server where the file stands.
  function request(method, url, body, onProgress) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      if (onProgress) xhr.upload.addEventListener("progress", (event) => onProgress(event.loaded));
      xhr.addEventListener("load", () => {
        let json = {};
        try {
          json = JSON.parse(xhr.responseText);
        } catch {
          json = {};
        }
        resolve({ status: xhr.status, json });
      });
      ["error", "abort", "timeout"].forEach((name) =>
        xhr.addEventListener(name, () => resolve({ status: 0, json: {} })),
      );
      xhr.send(body);
    });
  }

  // Until the server answers again: wait a little longer each time, then ask for the offset.
  async function reconnect(upload) {
    for (let attempt = 0; ; attempt += 1) {
      const seconds = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
      setStatus(form.dataset.retrying.replace("%(seconds)s", seconds));
      await sleep(seconds * 1000);
      const answer = await request("GET", upload.url);
      if (answer.status !== 0) return answer;
    }
  }

  async function sendInPieces(file) {
    submit.disabled = true;
    progress.classList.remove("d-none");
    setProgress(0);
    const fields = new URLSearchParams({
      name: file.name,
      size: String(file.size),
      title: form.querySelector('[name="title"]').value,
      fingerprint: `${file.name}:${file.size}:${file.lastModified}`,
    });
    let answer = await request("POST", form.dataset.piecesUrl, fields);
    if (answer.status === 0) {
      fail(form.dataset.networkError);
      return;
    }
    if (answer.status !== 200 && answer.status !== 201) {
      failWith(answer);
      return;
    }
    const upload = answer.json;
    active = upload;
    let offset = upload.offset;
    if (offset > 0) {
      setStatus(form.dataset.resuming.replace("%(percent)s", String(percent(offset, file.size))));
    }
    setProgress(percent(offset, file.size));
    while (!upload.redirect) {
      if (active !== upload) return; // cancelled
      const piece = file.slice(offset, offset + upload.piece);
      answer = await request("POST", `${upload.url}?offset=${offset}`, piece, (loaded) => {
        setProgress(percent(offset + loaded, file.size));
        if (offset + loaded >= file.size) setStatus(form.dataset.checking); // the server checks it now
      });
      if (answer.status === 0) answer = await reconnect(upload);
      if (answer.json.redirect) {
        upload.redirect = answer.json.redirect;
      } else if (answer.status === 200 || (answer.status === 409 && answer.json.offset !== undefined)) {
        if (answer.status === 200 && offset > 0) setStatus("");
        offset = answer.json.offset;
        setProgress(percent(offset, file.size));
      } else {
        failWith(answer);
        return;
      }
    }
    active = null;
    setProgress(100);
    window.location.assign(upload.redirect);
  }

  function percent(done, total) {
    return total ? Math.floor((100 * done) / total) : 100;
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function failWith(answer) {
    active = null;
    finish();
    if (answer.json.errors) showErrors(answer.json.errors);
    else showAlert(form.dataset.failed + ` (HTTP ${answer.status})`);
  }

  function fail(text) {
    finish();
    showAlert(text);
  }

  function setProgress(percent) {
    progress.setAttribute("aria-valuenow", String(percent));
    bar.style.width = `${percent}%`;
    bar.textContent = `${percent}%`;
  }

  function finish() {
    setStatus("");
    submit.disabled = false;
    progress.classList.add("d-none");
  }

  function clearErrors() {
    alertBox.classList.add("d-none");
    form.querySelectorAll("[data-errors-for]").forEach((box) => (box.textContent = ""));
    form.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
  }

  function showErrors(errors) {
    for (const [field, messages] of Object.entries(errors)) {
      const box = form.querySelector(`[data-errors-for="${field}"]`);
      const control = form.querySelector(`[name="${field}"]`);
      if (box) {
        box.textContent = messages.join(" ");
        control?.classList.add("is-invalid");
        if (field === "file") zone.classList.add("is-invalid");
      } else {
        showAlert(messages.join(" "));
      }
    }
  }

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.classList.remove("d-none");
  }
}

function formatSize(bytes) {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}
