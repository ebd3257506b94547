// Material 9.8.1's inline script from partials/javascripts/content.html, moved to a file:
// every page's Content-Security-Policy allows no inline script (overrides/main.html).
// Re-check on a Material upgrade.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
