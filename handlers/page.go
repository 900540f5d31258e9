package handlers

import (
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"hms/views"
)

// navEntry is a navigation link shown to users whose roles grant perm.
type navEntry struct {
	label, href string
	perm        Permission
}

var navigation = []navEntry{
	{"Admin", "/admin", PermAdmin},
	{"Patients", "/patients", PermPatientsView},
	{"Admissions", "/admissions", PermAdmissions},
	{"Appointments", "/appointments", PermAppointments},
	{"OPD", "/opd", PermOPD},
	{"OPD queues", "/opd/queues", PermQueueView},
	{"Wards", "/ward", PermWard},
	{"Lab", "/lab", PermLab},
	{"Critical results", "/results/alerts", PermResultsView},
	{"Pharmacy", "/pharmacy", PermPharmacy},
	{"Drug master", "/pharmacy/drugs", PermFormulary},
	{"Billing", "/billing", PermBilling},
	{"Price list", "/prices", PermPricesView},
	{"Compliance", "/compliance", PermCompliance},
	{"Audit", "/audit", PermAuditView},
	{"Sessions", "/admin/sessions", PermSessionsManage},
	{"Staff", "/admin/staff", PermStaffManage},
	{"Display", "/display", PermDisplay},
	{"OPD display", "/display/opd", PermDisplay},
	{"My records", "/portal", PermPortal},
}

// pageVM fills what the layout needs for the current user.
func (a *App) pageVM(c *fiber.Ctx, title string) views.PageVM {
	p := views.PageVM{Title: title, Hospital: a.cfg.Hospital, CSRF: a.csrfToken(c),
		CSS: a.assets.URL("css/app.css"), JS: a.assets.URL("js/htmx.min.js"), KeysJS: a.assets.URL("js/keys.js"), Flash: a.takeFlash(c)}
	u := currentUser(c)
	if u == nil {
		return p
	}
	p.UserName = u.FullName
	labels := make([]string, 0, len(u.Roles))
	for _, r := range u.Roles {
		labels = append(labels, RoleLabels[Role(r)])
	}
	p.UserRoles = strings.Join(labels, ", ")
	if u.MustChange {
		return p
	}
	path := c.Path()
	best := -1 // the longest matching link is the active one (/display/opd, not /display)
	for _, n := range navigation {
		if can(u.Roles, n.perm) {
			if path == n.href || strings.HasPrefix(path, n.href+"/") {
				if best < 0 || len(n.href) > len(p.Nav[best].Href) {
					best = len(p.Nav)
				}
			}
			p.Nav = append(p.Nav, views.NavItem{Label: n.label, Href: n.href})
		}
	}
	if best >= 0 {
		p.Nav[best].Active = true
	}
	return p
}

// page renders body inside the layout, or alone for an htmx request.
func (a *App) page(c *fiber.Ctx, title string, body templ.Component) error {
	if isPartial(c) {
		return render(c, body)
	}
	return render(c, views.Page(a.pageVM(c, title), body))
}

// widePage is page for boards that use the full screen width.
func (a *App) widePage(c *fiber.Ctx, title string, body templ.Component) error {
	if isPartial(c) {
		return render(c, body)
	}
	vm := a.pageVM(c, title)
	vm.Wide = true
	return render(c, views.Page(vm, body))
}

const flashCookie = "hms_flash"

// setFlash leaves a message for the next page the user sees (after a redirect).
func (a *App) setFlash(c *fiber.Ctx, kind, text string) {
	v, err := a.cookies.codec.Encode(flashCookie, views.Flash{Kind: kind, Text: text})
	if err != nil {
		return
	}
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: v, Path: "/", HTTPOnly: true, SameSite: "Lax", Secure: a.cfg.SecureCookies})
}

func (a *App) takeFlash(c *fiber.Ctx) *views.Flash {
	raw := c.Cookies(flashCookie)
	if raw == "" {
		return nil
	}
	// Expire it on the same path it was set on, or the browser keeps showing it.
	c.Cookie(&fiber.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(0, 0),
		HTTPOnly: true, SameSite: "Lax", Secure: a.cfg.SecureCookies})
	var f views.Flash
	if err := a.cookies.codec.Decode(flashCookie, raw, &f); err != nil {
		return nil
	}
	return &f
}
