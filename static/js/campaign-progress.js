// Campaign progress: sizes the bars and, while mail is being sent, asks the server for the
// counts every second and updates them. Without JavaScript the page shows the counts and
// a "Refresh" link instead.
(function () {
  "use strict";

  function setBar(part, percent) {
    var bar = part.querySelector("[data-field=bar]");
    if (!bar) return;
    bar.value = percent;
    bar.textContent = percent + " %";
  }

  function update(section, data) {
    ["invitations", "reminder"].forEach(function (key) {
      var part = section.querySelector('[data-progress-part="' + key + '"]');
      var figures = data[key];
      if (!part || !figures) return;
      ["waiting", "queued", "sent", "failed", "left_out"].forEach(function (name) {
        var cell = part.querySelector('[data-field="' + name + '"]');
        if (cell) cell.textContent = String(figures[name]);
      });
      var summary = part.querySelector("[data-field=summary]");
      if (summary && figures.summary) summary.textContent = figures.summary;
      var percent = part.querySelector("[data-field=percent]");
      if (percent) percent.textContent = figures.percent + " %";
      setBar(part, figures.percent);
    });
  }

  function start() {
    var section = document.getElementById("campaign-progress");
    if (!section) return;
    if (section.dataset.done === "true") return;
    var url = section.dataset.progressUrl;
    var timer = window.setInterval(function () {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          update(section, data);
          if (data.done) {
            window.clearInterval(timer);
            // Reload once so that the answers, the reminder button and the status text are current.
            window.location.reload();
          }
        })
        .catch(function () {
          window.clearInterval(timer); // the "Refresh" link still works
        });
    }, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
