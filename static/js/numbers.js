// Number inputs grouped by thousands (portal/core/numbers.py): "1,234,567.8" shown when the box loses focus,
// the plain number while typing, and plain numbers sent with the form (the server accepts both).
(function () {
  var SEPARATORS = /[,，\s\u00a0\u2009\u202f']/g;

  function plain(text) { return String(text || "").replace(SEPARATORS, ""); }

  function grouped(text) {
    var value = plain(text);
    var match = /^(-?)(\d+)(\.\d*)?$/.exec(value);
    if (!match) { return text; }  // not a number: left as typed, for the server to explain
    var whole = match[2].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return match[1] + whole + (match[3] || "");
  }

  window.portalNumbers = { plain: plain, grouped: grouped };

  var inputs = document.querySelectorAll("input[data-grouped]");
  inputs.forEach(function (input) {
    input.addEventListener("focus", function () {
      // Show the plain number while typing, and keep the whole value selected (as Tab selects it), so typing
      // replaces it rather than appending to it.
      var before = input.value, after = plain(before);
      if (after !== before) { input.value = after; input.select(); }
    });
    input.addEventListener("blur", function () { input.value = grouped(input.value); });
  });
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[data-grouped]").forEach(function (input) { input.value = plain(input.value); });
    });
  });
})();
