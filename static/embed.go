// Package static embeds the CSS and the vendored htmx, so the binary serves them itself.
package static

import "embed"

// FS holds the built assets (make css, make vendor) and the small keyboard helper.
//
//go:embed css/app.css js/htmx.min.js js/keys.js
var FS embed.FS
