package views

import "hms/views/components"

// ActiveSession is one live sign-in on the compliance overview.
type ActiveSession struct {
	Username, FullName, Roles, SignedIn, LastSeen, IP string
}

// FlaggedAccount is a user account that is disabled or must change its password.
type FlaggedAccount struct {
	Username, FullName, Roles, PasswordChanged string
	Disabled, MustChange                       bool
}

// ComplianceVM is the compliance officer's access overview.
type ComplianceVM struct {
	Sessions    []ActiveSession
	Flagged     []FlaggedAccount
	Accounts    int // all user accounts
	IdleMinutes int // sessions idle longer than this have ended
}

func (vm ComplianceVM) sessionTable() components.Table {
	t := components.Table{Caption: "Active sessions", TestID: "active-sessions", Empty: "Nobody is signed in.",
		Heads: []string{"User", "Full name", "Roles", "Signed in at", "Last seen", "IP address"}}
	for _, s := range vm.Sessions {
		t.Rows = append(t.Rows, []components.Cell{{Text: s.Username, Mono: true}, {Text: s.FullName}, {Text: s.Roles},
			{Text: s.SignedIn}, {Text: s.LastSeen}, {Text: s.IP, Mono: true}})
	}
	return t
}

func (vm ComplianceVM) flaggedTable() components.Table {
	t := components.Table{Caption: "Accounts needing attention", TestID: "flagged-accounts",
		Empty: "No account is disabled or waiting for a password change.",
		Heads: []string{"User", "Full name", "Roles", "Status", "Password set"}}
	for _, u := range vm.Flagged {
		status := components.Cell{Text: "Must change password", Badge: "amber"}
		if u.Disabled {
			status = components.Cell{Text: "Disabled", Badge: "red"}
		}
		t.Rows = append(t.Rows, []components.Cell{{Text: u.Username, Mono: true}, {Text: u.FullName}, {Text: u.Roles},
			status, {Text: u.PasswordChanged}})
	}
	return t
}
