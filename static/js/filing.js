// The filing form: the month's own value of year-to-date flows, and adding/removing product rows.
(function () {
  function monthValue(cell) {
    var input = document.querySelector('[data-code="' + cell.dataset.monthFor + '"]');
    if (!input || cell.dataset.flow !== "1") { return; }
    var update = function () {
      var ytd = parseFloat(input.value);
      if (isNaN(ytd)) { cell.textContent = "—"; return; }
      if (cell.dataset.sameYear !== "1") { cell.textContent = ytd.toFixed(1); return; }
      var prev = parseFloat(cell.dataset.previous);
      cell.textContent = isNaN(prev) ? "—" : (ytd - prev).toFixed(1);
    };
    input.addEventListener("input", update);
  }
  document.querySelectorAll("[data-month-for]").forEach(monthValue);

  var add = document.getElementById("add-product");
  var template = document.getElementById("product-template");
  var total = document.getElementById("id_products-TOTAL_FORMS");
  if (add && template && total) {
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var max = parseInt(document.getElementById("id_products-MAX_NUM_FORMS").value, 10);
      if (index >= max) { return; }
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      document.querySelector("#products tbody").insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = document.getElementById("id_products-" + index + "-name");
      if (first) { first.focus(); }
    });
  }
})();
