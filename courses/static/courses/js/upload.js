// Material upload: a drag-and-drop zone and a progress bar. Without JavaScript the form posts
// normally; with it the file goes through XMLHttpRequest so that upload progress can be shown.
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
    send(new FormData(form));
  });

  function send(data) {
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) setProgress(Math.round((100 * event.loaded) / event.total));
    });
    request.addEventListener("load", () => {
      let body = {};
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = {};
      }
      if (request.status === 201 && body.redirect) {
        setProgress(100);
        window.location.assign(body.redirect);
      } else if (body.errors) {
        finish();
        showErrors(body.errors);
      } else {
        finish();
        showAlert(form.dataset.failed + ` (HTTP ${request.status})`);
      }
    });
    request.addEventListener("error", () => {
      finish();
      showAlert(form.dataset.networkError);
    });
    submit.disabled = true;
    progress.classList.remove("d-none");
    setProgress(0);
    request.send(data);
  }

  function setProgress(percent) {
    progress.setAttribute("aria-valuenow", String(percent));
    bar.style.width = `${percent}%`;
    bar.textContent = `${percent}%`;
  }

  function finish() {
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
