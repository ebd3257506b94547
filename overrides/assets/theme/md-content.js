// Material 9.8.1's partials/javascripts/content.html inline script, moved to a file:
// the site's CSP allows no inline
// script (overrides/partials/javascripts/). Re-check on a Material upgrade.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
