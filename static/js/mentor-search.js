/* Lan Tỏa: suggestions for the mentor field (name or phone → "Tên — Địa bàn (#id)"); works without it too. */
(function () {
  "use strict";
  document.querySelectorAll("input[data-mentor-search]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2 || /#\d+\)?$/.test(q)) { return; }
      timer = setTimeout(function () {
        fetch(input.dataset.mentorSearch + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (rows) {
            list.replaceChildren();
            rows.forEach(function (row) {
              var option = document.createElement("option");
              option.value = row.label;
              list.appendChild(option);
            });
          });
      }, 200);
    });
  });
})();
