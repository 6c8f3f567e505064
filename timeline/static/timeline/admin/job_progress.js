// The job page without reloading: fetch it again every few seconds and swap its status in
// place, so the live region announces a new phase. When the job ends (or the page moves on,
// to a preview or the list), load that page. Without JavaScript, <noscript> reloads it.
(function () {
  "use strict";
  var main = document.querySelector("[data-job-active]");
  if (!main) return;
  var seconds = Number(main.getAttribute("data-refresh")) || 2;
  function check() {
    // Asked as a check (the header): a job that has ended answers with no page, and the
    // page is loaded again to show the result, so a message is said once, on that page.
    fetch(window.location.href, {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
      headers: { "X-Job-Poll": "1" }
    })
      .then(function (response) {
        if (response.status === 204 || response.type === "opaqueredirect" || response.redirected) {
          window.location.reload();
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        var page = new DOMParser().parseFromString(html, "text/html");
        if (!page.querySelector("[data-job-active]")) {
          window.location.reload();
          return;
        }
        var fresh = page.getElementById("job-status");
        var here = document.getElementById("job-status");
        if (fresh && here) {
          // Swap only what changed, so the live region speaks only for a new phase.
          var numbers = here.querySelector("#job-numbers"), nextNumbers = fresh.querySelector("#job-numbers");
          if (numbers && nextNumbers) numbers.replaceWith(nextNumbers);
          var phase = here.querySelector(".job-phase"), next = fresh.querySelector(".job-phase");
          if (phase && next && phase.textContent !== next.textContent) phase.innerHTML = next.innerHTML;
          var alert = here.querySelector("[role=alert]"), nextAlert = fresh.querySelector("[role=alert]");
          if (alert && !nextAlert) alert.remove();
          if (!alert && nextAlert) here.appendChild(nextAlert);
        }
        window.setTimeout(check, seconds * 1000);
      })
      .catch(function () { window.setTimeout(check, seconds * 1000); });
  }
  window.setTimeout(check, seconds * 1000);
})();
