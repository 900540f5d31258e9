// Package static embeds the CSS and the vendored htmx, so the binary serves them itself.
package static

import "embed"

// FS holds the built assets (make css, make vendor).
//
//go:embed css/app.css js/htmx.min.js
var FS embed.FS
