// Site behaviour, kept out of the HTML so that the Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  // htmx requests carry the CSRF token of the page.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });

  // Countdown to the end of a notice period (the server renders the starting value). It changes every
  // second, so a button pauses and resumes it (WCAG 2.2.2); it is not a live region.
  document.querySelectorAll(".countdown[data-closes-at]").forEach(function (el) {
    const end = new Date(el.dataset.closesAt).getTime();
    const toggle = document.querySelector('[data-countdown-toggle][aria-controls="' + el.id + '"]');
    let paused = false, timer = null;
    function tick() {
      const left = Math.max(0, end - Date.now());
      if (left === 0) { el.textContent = el.dataset.labelDone; if (toggle) { toggle.hidden = true; } return; }
      const d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24,
        m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
      el.textContent = (document.documentElement.lang.startsWith("zh") ?
        "剩余 " + d + " 天 " + h + " 小时 " + m + " 分 " + s + " 秒" :
        d + "d " + h + "h " + m + "m " + s + "s left");
      timer = setTimeout(tick, 1000);
    }
    if (toggle) {
      toggle.addEventListener("click", function () {
        paused = !paused;
        toggle.setAttribute("aria-pressed", paused ? "true" : "false");
        toggle.textContent = paused ? toggle.dataset.labelResume : toggle.dataset.labelPause;
        if (paused) { clearTimeout(timer); } else { tick(); }
      });
    }
    tick();
  });

  // Forms (or their submit buttons) that need a confirmation carry data-confirm="question".
  document.body.addEventListener("submit", function (event) {
    const button = event.submitter;
    const form = event.target;
    const question = (button && button.dataset.confirm) || (form.dataset ? form.dataset.confirm : null);
    // data-confirm-field / data-confirm-value: ask only when that field has that value (e.g. 不予推荐).
    if (question && form.dataset && form.dataset.confirmField) {
      const chosen = new FormData(form).get(form.dataset.confirmField);
      if (chosen !== form.dataset.confirmValue) { return; }
    }
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
});

// The captcha's "another image" button: a new key and image from /captcha/refresh/ (no inline script).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-captcha-refresh]");
  if (!button) return;
  var box = button.closest("fieldset, form") || document;
  fetch(button.getAttribute("data-captcha-refresh"), {headers: {"X-Requested-With": "XMLHttpRequest"}})
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var image = box.querySelector("img.captcha");
      var key = box.querySelector("input[name$='captcha_0']");
      var answer = box.querySelector("input[name$='captcha_1']");
      if (image) image.src = data.image_url;
      if (key) key.value = data.key;
      if (answer) { answer.value = ""; answer.focus(); }
    });
});
