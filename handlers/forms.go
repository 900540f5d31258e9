package handlers

import (
	"errors"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
)

// newValidator builds the one validator; its errors are keyed by form field names.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("form"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	_ = v.RegisterValidation("printable", func(fl validator.FieldLevel) bool { return printable(fl.Field().String()) })
	return v
}

// printable refuses invalid UTF-8 and control/format characters (zero-width, RTL overrides).
func printable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r == '\n' || r == '\r' || r == '\t' {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// errDuplicateField answers a form that sends one field twice (parameter pollution).
var errDuplicateField = fiber.NewError(fiber.StatusUnprocessableEntity, "A field was sent twice; reload the page and try again.")

// parseForm decodes a form body into dst (a per-form struct: never a map, so
// "name[$ne]" is just an unknown key). Fields listed in multi may repeat.
func parseForm(c *fiber.Ctx, dst any, multi ...string) error {
	seen := map[string]bool{}
	dup := false
	c.Request().PostArgs().VisitAll(func(k, _ []byte) {
		key := strings.ToLower(string(k))
		for _, m := range multi {
			if key == m {
				return
			}
		}
		if seen[key] {
			dup = true
		}
		seen[key] = true
	})
	if dup {
		return errDuplicateField
	}
	if err := c.BodyParser(dst); err != nil {
		return fiber.NewError(fiber.StatusBadRequest, "The form could not be read.")
	}
	return nil
}

// fieldErrors turns validator errors into one message per form field.
func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return out
	}
	for _, fe := range verrs {
		if _, done := out[fe.Field()]; done {
			continue
		}
		out[fe.Field()] = message(fe)
	}
	return out
}

func message(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "Required."
	case "max":
		return "Too long: at most " + fe.Param() + " characters."
	case "min":
		return "Too short: at least " + fe.Param() + " characters."
	case "printable":
		return "Contains invisible or control characters; please retype it."
	case "oneof":
		return "Choose one of the listed options."
	case "len":
		return "Must be exactly " + fe.Param() + " characters."
	case "numeric", "number":
		return "Enter a number."
	default:
		return "Not valid."
	}
}
