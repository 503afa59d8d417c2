// Site behaviour, kept out of the HTML so that the Content-Security-Policy can forbid inline scripts.
document.addEventListener("DOMContentLoaded", function () {
  document.body.addEventListener("htmx:configRequest", function (event) {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
    // Forms that need a confirmation carry data-confirm="question".
  document.body.addEventListener("submit", function (event) {
    const question = event.target.dataset ? event.target.dataset.confirm : null;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
});
  // Forms that need a confirmation carry data-confirm="question".
  document.body.addEventListener("submit", function (event) {
    const question = event.target.dataset ? event.target.dataset.confirm : null;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
});
