// Small progressive enhancements; every page works without them.
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (!target) { return; }
  if (!window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  } else if (target.dataset.confirmedValue !== undefined) {
    // Confirmed here: the button tells the server so, which then skips its own confirmation step.
    target.value = target.dataset.confirmedValue;
  }
});
