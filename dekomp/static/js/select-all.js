// The overview's selection (progressive enhancement: without JS each row has its own checkbox and nothing more).
// Adds "select all on this page" in the header; once every row on the page is ticked it offers, like a mail
// client, every report that passes the filter. That choice only sets omfang=filter: the server runs the filter
// again and never takes the list of reports from the page.
document.querySelectorAll("[data-select-all]").forEach((form) => {
  const rows = [...form.querySelectorAll("[data-select-row]")];
  const pageBox = form.querySelector("[data-select-page]");
  const scope = form.querySelector("[data-select-scope]");
  const status = form.querySelector("[data-select-status]");
  const offer = form.querySelector("[data-select-offer]");
  const matchingButton = form.querySelector("[data-select-matching]");
  const pageOnlyButton = form.querySelector("[data-select-page-only]");
  const pageText = form.querySelector("[data-text-page]")?.content.textContent.trim() ?? "";
  const matchingText = form.querySelector("[data-text-matching]")?.content.textContent.trim() ?? "";
  if (!rows.length || !pageBox || !scope) return;

  form.querySelector("[data-select-page-wrap]").hidden = false;
  form.querySelector("[data-select-none]").hidden = true;

  const show = () => {
    const ticked = rows.filter((row) => row.checked).length;
    const everyRow = ticked === rows.length;
    pageBox.checked = everyRow;
    pageBox.indeterminate = ticked > 0 && !everyRow;
    if (!everyRow) scope.value = "side";
    const isMatching = scope.value === "filter";
    if (offer) {
      offer.hidden = !everyRow;
      matchingButton.hidden = isMatching;
      pageOnlyButton.hidden = !isMatching;
    }
    status.textContent = everyRow ? (isMatching ? matchingText : pageText) : "";
  };

  pageBox.addEventListener("change", () => {
    rows.forEach((row) => {
      row.checked = pageBox.checked;
    });
    scope.value = "side";
    show();
  });
  rows.forEach((row) => row.addEventListener("change", show));
  matchingButton?.addEventListener("click", () => {
    scope.value = "filter";
    show();
    pageOnlyButton.focus(); // the button pressed is hidden now: keep the keyboard user next to it
  });
  pageOnlyButton?.addEventListener("click", () => {
    scope.value = "side";
    show();
    matchingButton.focus();
  });
  // Back from the confirmation page, the browser may restore the ticks but not the hidden scope: start over.
  window.addEventListener("pageshow", () => {
    scope.value = "side";
    show();
  });
  show();
});
