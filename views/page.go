// Package views renders HTML with templ. It only formats what it is given:
// no database access and no validation happen here.
package views

// NavItem is one link in the role-aware navigation.
type NavItem struct {
	Label, Href string
	Active      bool
}

// Flash is a one-time message shown at the top of the next page.
type Flash struct {
	Kind string // "ok", "error", "info"
	Text string
}

// PageVM is what the layout needs around every page.
type PageVM struct {
	Title     string
	UserName  string // empty when signed out
	UserRoles string
	Nav       []NavItem
	CSRF      string
	CSS, JS   string // content-hashed asset paths
	KeysJS    string // keyboard navigation of result lists
	Flash     *Flash
	Wide      bool   // boards use the full width
	Hospital  string // hospital name in the header
}

// SignedIn reports whether the page is shown to a signed-in user.
func (p PageVM) SignedIn() bool { return p.UserName != "" }

// csrfHeaders is the hx-headers value that sends the CSRF token with every htmx request.
func csrfHeaders(token string) string { return `{"X-CSRF-Token":"` + token + `"}` }

// htmxConfig keeps htmx from evaluating script, lets 422 form answers swap in place,
// and keeps PHI out of the browser's local history cache.
const htmxConfig = `{"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,` +
	`"includeIndicatorStyles":false,"historyCacheSize":0,"refreshOnHistoryMiss":true,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},` +
	`{"code":"422","swap":true},{"code":"[45]..","swap":true,"error":true}]}`
