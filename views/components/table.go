package components

// Cell is one table cell: text, optionally a link or a badge.
type Cell struct {
	Text  string
	Href  string
	Badge string // badge colour: green, amber, red, slate, sky; empty for plain text
	Mono  bool
	Right bool // numbers align right
}

// Table is a list of rows under headings.
type Table struct {
	Caption string
	Heads   []string
	Rows    [][]Cell
	Empty   string // shown when there are no rows
	TestID  string
}
