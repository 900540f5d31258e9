// Command canary calls language.Parse from golang.org/x/text v0.3.5, which
// GO-2021-0113 affects (fixed in v0.3.7). `make vulncheck` scans it first:
// a database that does not report it is broken, so the real scan stops there.
package main

import (
	"fmt"

	"golang.org/x/text/language"
)

func main() {
	tag, err := language.Parse("en-GB")
	fmt.Println(tag, err)
}
