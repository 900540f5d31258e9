package handlers

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"hms/store/signing"
	"hms/views"
	"hms/views/components"
)

// signerOf is the signed-in user as a document's signer.
func signerOf(c *fiber.Ctx) signing.Person {
	u := currentUser(c)
	return signing.Person{ID: u.Username, Name: u.FullName, Role: roleNames(u.Roles)}
}

// sealStates name a verification outcome for the signature badge.
var sealStates = map[signing.Status]string{signing.Valid: "verified", signing.ContentChanged: "changed",
	signing.BadSignature: "invalid", signing.UnknownKey: "unknown-key", signing.Missing: "missing"}

// seal is the signature badge of a verified (or failed) document.
func seal(ch signing.Check, loc *time.Location) components.Seal {
	s := components.Seal{State: sealStates[ch.Status], Signer: ch.Sig.SignerName, Role: ch.Sig.SignerRole}
	if s.Signer == "" {
		s.Signer = ch.Sig.SignerID
	}
	if !ch.Sig.SignedAt.IsZero() {
		s.At = views.DateTime(ch.Sig.SignedAt, loc)
	}
	return s
}
