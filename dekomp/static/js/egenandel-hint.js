// The budget step's egenandel hint: as amounts are typed, each year says the least egenandel for what is asked for.
// The rule is Scheme.required_egenandel: the share of the year's total, rounded UP to whole kroner. The share comes
// as written in the database ("0.300") and is computed with as an exact fraction in BigInt, never as a float
// (0.3 * 10 is 3.0000000000000004 in floating point, which would round up to 4). The server checks the same rule
// when the step is saved; without this script the hint shows what was last saved.
(() => {
  const form = document.querySelector("form[data-egenandel-share]");
  if (!form) return;
  const [whole, fraction = ""] = form.dataset.egenandelShare.split(".");
  const denominator = 10n ** BigInt(fraction.length);
  const numerator = BigInt(whole || "0") * denominator + BigInt(fraction || "0");
  const template = form.dataset.egenandelHint;
  const NBSP = "\u00a0";
  // The same form as format_nok: thousands apart by non-breaking spaces, then " kr".
  const kr = (amount) => `${amount.toString().replace(/\B(?=(\d{3})+(?!\d))/g, NBSP)}${NBSP}kr`;
  // Spaces between thousands are allowed, as on the server; anything else that is not a whole number counts 0.
  const amountOf = (input) => {
    const digits = input.value.replace(/[\s\u00a0\u202f]/g, "");
    return /^\d{1,15}$/.test(digits) ? BigInt(digits) : 0n;
  };
  const requiredFor = (total) => (total * numerator + denominator - 1n) / denominator;
  const inputs = [...form.querySelectorAll("[data-egenandel-year]")];

  const update = () => {
    const period = form.querySelector('input[name="years"]:checked');
    const yearsInPeriod = period ? Number(period.value) : inputs.length;
    inputs.forEach((input, index) => {
      const year = input.dataset.egenandelYear;
      const hint = form.querySelector(`[data-egenandel-hint-for="${year}"]`);
      if (!hint) return;
      let total = 0n;
      if (index < yearsInPeriod) {
        form.querySelectorAll(`[data-budget-year="${year}"]`).forEach((field) => {
          total += amountOf(field);
        });
      }
      const text =
        total > 0n ? template.replace("{required}", kr(requiredFor(total))).replace("{requested}", kr(total)) : "";
      // Only a real change is written, so the polite live region is not read out again for nothing.
      if (hint.textContent !== text) hint.textContent = text;
    });
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
