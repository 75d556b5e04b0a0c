// The review queue: "select all" ticks every enabled box of the page; the bulk approval's confirmation
// (portal.js asks data-confirm) names how many filings are ticked. The page works without it.
document.addEventListener("DOMContentLoaded", function () {
  const form = document.querySelector("form[data-bulk-approve]");
  if (!form) return;
  const all = form.querySelector("[data-select-all]");
  const button = form.querySelector("[data-confirm-template]");
  const boxes = () => Array.from(form.querySelectorAll('input[name="filing"]:not(:disabled)'));
  const update = function () {
    const ticked = boxes().filter((b) => b.checked).length;
    if (button) button.dataset.confirm = button.dataset.confirmTemplate.replace("{n}", ticked);
    if (all) {
      all.checked = ticked > 0 && ticked === boxes().length;
      all.indeterminate = ticked > 0 && ticked < boxes().length;
    }
  };
  if (all) {
    all.disabled = boxes().length === 0;
    all.addEventListener("change", function () {
      boxes().forEach((b) => { b.checked = all.checked; });
      update();
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "filing") update();
  });
  update();
});
