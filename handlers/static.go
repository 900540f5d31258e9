package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// assets serves embedded files under content-hashed names (/static/app.3f2a9c1e.css)
// with immutable caching: a new build gets new names, so caches never go stale.
type assets struct {
	byName map[string]asset // hashed name → file
	path   map[string]string
}

type asset struct {
	body  []byte
	ctype string
}

func newAssets(fsys fs.FS) (*assets, error) {
	a := &assets{byName: map[string]asset{}, path: map[string]string{}}
	for _, name := range []string{"css/app.css", "js/htmx.min.js", "js/keys.js"} {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(body)
		base := path.Base(name)
		dot := strings.Index(base, ".")
		hashed := base[:dot] + "." + hex.EncodeToString(sum[:6]) + base[dot:]
		a.byName[hashed] = asset{body: body, ctype: mime.TypeByExtension(path.Ext(name)) + "; charset=utf-8"}
		a.path[name] = "/static/" + hashed
	}
	return a, nil
}

// URL returns the public path of an embedded file, e.g. "css/app.css".
func (a *assets) URL(name string) string { return a.path[name] }

func (a *assets) serve(c *fiber.Ctx) error {
	f, ok := a.byName[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	c.Set(fiber.HeaderContentType, f.ctype)
	return c.Send(f.body)
}
