// Filter a long list of checkboxes as the user types (progressive enhancement: without JS all are shown).
document.querySelectorAll("[data-filter-for]").forEach((input) => {
  const list = document.querySelector(`[data-choices="${input.dataset.filterFor}"]`);
  if (!list) return;
  input.addEventListener("input", () => {
    const needle = input.value.trim().toLocaleLowerCase("nb");
    list.querySelectorAll(".app-choice").forEach((item) => {
      const checked = item.querySelector("input")?.checked;
      item.hidden = needle !== "" && !checked && !item.textContent.toLocaleLowerCase("nb").includes(needle);
    });
  });
});
