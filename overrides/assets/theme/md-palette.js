// The colour palette: Material 9.8.1's inline script from partials/javascripts/palette.html
// (moved to a file: every page's Content-Security-Policy allows no inline script, see
// overrides/main.html) and the work of its palette component, which is not mounted
// (overrides/partials/palette.html says why). Runs in the header, right after the palette form:
// the stored choice is applied before the page's content is parsed, so none of it is restyled.
// On a choice: the body's colour attributes, the toggle shown, the choice stored, the browser's
// theme colour. Re-check on a Material upgrade.
(() => {
  const form = document.querySelector("form[data-md-palette]");
  if (form === null) return;
  const inputs = [...form.querySelectorAll("input[name='__palette']")];
  if (inputs.length === 0) return;
  const colorOf = (input) => ({
    media: input.getAttribute("data-md-color-media"),
    scheme: input.getAttribute("data-md-color-scheme"),
    primary: input.getAttribute("data-md-color-primary"),
    accent: input.getAttribute("data-md-color-accent"),
  });
  const apply = (index) => {
    const input = inputs[index];
    input.checked = true;
    for (const [key, value] of Object.entries(colorOf(input))) {
      // An unchanged attribute is not set again: each change restyles the whole page.
      if (document.body.getAttribute(`data-md-color-${key}`) !== value) {
        document.body.setAttribute(`data-md-color-${key}`, value);
      }
    }
    // The toggle shown is the one that follows the chosen input (its label points onwards).
    inputs.forEach((each, at) => {
      const label = each.nextElementSibling;
      if (label instanceof HTMLLabelElement) label.hidden = at !== index;
    });
    __md_set("__palette", { index, color: colorOf(input) });
  };
  const themeColor = (name) => {
    const meta = document.createElement("meta");
    meta.name = name;
    document.head.append(meta);
    return meta;
  };
  const theme = themeColor("theme-color");
  const colorScheme = themeColor("color-scheme");
  const showThemeColor = () => {
    const header = getComputedStyle(document.querySelector("[data-md-component=header]"));
    colorScheme.content = header.colorScheme;
    theme.content = header.backgroundColor;
  };
  const stored = __md_get("__palette");
  const matching = inputs.findIndex((input) =>
    matchMedia(input.getAttribute("data-md-color-media")).matches,
  );
  const start = stored && Number.isInteger(stored.index) ? stored.index : matching;
  apply(Math.max(0, Math.min(start, inputs.length - 1)));
  // Read once the first frame is painted, when the page's style is up to date: reading it now
  // would make the browser style the page before its stylesheets are all in.
  requestAnimationFrame(() => setTimeout(showThemeColor, 0));
  form.addEventListener("change", (event) => {
    const index = inputs.indexOf(event.target);
    if (index < 0) return;
    apply(index);
    showThemeColor();
  });
  // Enter on the focused palette input chooses the next palette, as Material's component does.
  form.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    const next = inputs[(inputs.findIndex((input) => input.checked) + 1) % inputs.length];
    next.click();
    next.focus();
  });
})();
