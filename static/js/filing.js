// The filing form: the month's own value of year-to-date flows, adding/removing product rows, and taking the
// user to the warnings that still need an explanation after 报送.
(function () {
  var numbers = window.portalNumbers || { plain: function (t) { return t; }, grouped: function (t) { return t; } };

  function monthValue(cell) {
    var input = document.querySelector('[data-code="' + cell.dataset.monthFor + '"]');
    if (!input || cell.dataset.flow !== "1") { return; }
    var update = function () {
      var ytd = parseFloat(numbers.plain(input.value));
      if (isNaN(ytd)) { cell.textContent = "—"; return; }
      if (cell.dataset.sameYear !== "1") { cell.textContent = numbers.grouped(ytd.toFixed(1)); return; }
      var prev = parseFloat(cell.dataset.previous);
      cell.textContent = isNaN(prev) ? "—" : numbers.grouped((ytd - prev).toFixed(1));
    };
    input.addEventListener("input", update);
  }
  document.querySelectorAll("[data-month-for]").forEach(monthValue);

  var attention = document.querySelector("[data-focus-on-load]");
  if (attention) {
    attention.scrollIntoView({ block: "start" });
    var empty = Array.prototype.find.call(attention.querySelectorAll("textarea"), function (t) { return !t.value.trim(); });
    (empty || attention.querySelector("textarea") || attention).focus({ preventScroll: true });
  }

  var add = document.getElementById("add-product");
  var template = document.getElementById("product-template");
  var total = document.getElementById("id_products-TOTAL_FORMS");
  if (add && template && total) {
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var max = parseInt(document.getElementById("id_products-MAX_NUM_FORMS").value, 10);
      if (index >= max) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index))
        .replace(/__row__/g, String(index + 1));  // the delete checkbox's label: 删除第 N 行产品
      document.querySelector("#products tbody").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = document.getElementById("id_products-" + index + "-name");
      if (first) { first.focus(); }
    });
  }
})();
