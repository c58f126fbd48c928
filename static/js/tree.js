/* Lan Tỏa: the collapsible trainer tree, one level fetched at a time (no library, no inline script). */
(function () {
  "use strict";
  var nf = new Intl.NumberFormat("vi-VN");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function nodeItem(child) {
    var li = el("li", "tree-node");
    li.dataset.childrenUrl = child.children_url;
    if (child.has_children) {
      var button = el("button", "tree-toggle", "▸");
      button.type = "button";
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-label", "Mở nhánh của " + child.name);
      li.appendChild(button);
    } else {
      li.appendChild(el("span", "tree-leaf", "•"));
    }
    var link = el("a", null, child.name);
    link.href = child.url;
    li.appendChild(link);
    li.appendChild(el("span", "muted", " · " + (child.area || "–") + " · thế hệ " + child.generation +
      " (" + nf.format(child.subtree_size) + " giảng viên · " + nf.format(child.subtree_learners) +
      " lượt học viên)"));
    return li;
  }

  function load(li, list, offset) {
    var url = li.dataset.childrenUrl + (offset ? "?offset=" + offset : "");
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        data.children.forEach(function (c) { list.appendChild(nodeItem(c)); });
        if (data.more) {
          var more = el("li", "tree-more");
          var b = el("button", "link", "Xem thêm (" + nf.format(data.total - data.offset - data.children.length) + ")");
          b.type = "button";
          b.addEventListener("click", function () { more.remove(); load(li, list, data.offset + data.children.length); });
          more.appendChild(b);
          list.appendChild(more);
        }
        if (!data.total) { list.appendChild(el("li", "empty", "Không có giảng viên nào trong phạm vi của bạn.")); }
      })
      .catch(function () { list.appendChild(el("li", "error", "Không tải được danh sách. Vui lòng thử lại.")); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".tree-toggle");
    if (!button) { return; }
    var li = button.parentElement;
    var list = li.querySelector(":scope > ul");
    var open = button.getAttribute("aria-expanded") === "true";
    if (open) {
      list.hidden = true;
    } else if (list) {
      list.hidden = false;
    } else {
      list = el("ul", "tree");
      li.appendChild(list);
      load(li, list, 0);
    }
    button.setAttribute("aria-expanded", open ? "false" : "true");
    button.textContent = open ? "▸" : "▾";
  });
})();
