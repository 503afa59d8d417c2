// Site behaviour, kept out of the HTML so that the Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  // htmx requests carry the CSRF token of the page.
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });

  // Countdown to the end of a notice period (the server renders the starting value).
  document.querySelectorAll(".countdown[data-closes-at]").forEach(function (el) {
    const end = new Date(el.dataset.closesAt).getTime();
    function tick() {
      const left = Math.max(0, end - Date.now());
      if (left === 0) { el.textContent = el.dataset.labelDone; return; }
      const d = Math.floor(left / 86400000), h = Math.floor(left / 3600000) % 24,
        m = Math.floor(left / 60000) % 60, s = Math.floor(left / 1000) % 60;
      el.textContent = (document.documentElement.lang.startsWith("zh") ?
        "剩余 " + d + " 天 " + h + " 小时 " + m + " 分 " + s + " 秒" :
        d + "d " + h + "h " + m + "m " + s + "s left");
      setTimeout(tick, 1000);
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
