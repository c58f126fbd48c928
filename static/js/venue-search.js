/* Venue search: enhances the commune <select> with a diacritic-free search box.
   Without JavaScript the <select> stays and works. Results come from the JSON endpoint
   named in data-venue-search (communes in the user's scope). No dependencies. */
(function () {
  "use strict";
  document.querySelectorAll("[data-venue-search]").forEach(function (box) {
    var select = box.querySelector("select");
    if (!select) return;
    var endpoint = box.getAttribute("data-venue-search");
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-label", "Tìm xã, phường");
    input.placeholder = "Tìm xã, phường (không cần dấu)";
    var selected = select.options[select.selectedIndex];
    if (selected && selected.value !== "0") input.value = selected.text;
    var list = document.createElement("ul");
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    select.classList.add("visually-hidden");
    select.setAttribute("tabindex", "-1");
    box.insertBefore(input, select);
    box.insertBefore(list, select);
    var timer = null;
    function choose(item) {
      select.value = String(item.id);
      input.value = item.name + (item.district ? " (" + item.district + ")" : "");
      list.innerHTML = "";
    }
    function render(items) {
      list.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.textContent = item.name + (item.district ? " · " + item.district : "");
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        list.appendChild(li);
      });
      if (!items.length && input.value.trim()) {
        var none = document.createElement("li");
        none.className = "muted";
        none.textContent = "Không có xã phù hợp trong địa bàn của bạn.";
        list.appendChild(none);
      }
    }
    input.addEventListener("input", function () {
      select.value = "0";
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        fetch(endpoint + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(render)
          .catch(function () { list.innerHTML = ""; });
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && list.firstChild && list.firstChild.getAttribute("role") === "option") {
        e.preventDefault();
        list.firstChild.dispatchEvent(new MouseEvent("mousedown"));
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { list.innerHTML = ""; }, 100); });
  });
})();
