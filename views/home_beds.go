package views

import (
	"strconv"

	"hms/views/components"
)

// BedCounts is how many beds of a ward, or of the hospital, are in each state.
type BedCounts struct {
	Total, Available, Reserved, Occupied, Cleaning, Blocked int
}

// WardCensus is one ward's line of the bed-availability table.
type WardCensus struct {
	Code, Name, Type, Sex, Floor string
	Counts                       BedCounts
}

// CensusVM is the admission desk's bed availability across the hospital.
type CensusVM struct {
	Wards []WardCensus
	Total BedCounts
	AsOf  string // when the counts were read, in the hospital's zone
}

// censusTable lays the wards out one per row; available is a badge so a full ward stands out.
func (vm CensusVM) censusTable() components.Table {
	t := components.Table{
		Heads:  []string{"Code", "Ward", "Type", "Sex", "Beds", "Available", "Reserved", "Occupied", "Cleaning", "Blocked"},
		Empty:  "No wards have been set up.",
		TestID: "bed-availability",
	}
	for _, w := range vm.Wards {
		c := w.Counts
		avail := components.Cell{Text: strconv.Itoa(c.Available), Badge: "green", Right: true}
		if c.Available == 0 {
			avail.Badge = "red"
		}
		t.Rows = append(t.Rows, []components.Cell{
			{Text: w.Code, Mono: true}, {Text: w.Name}, {Text: w.Type}, {Text: w.Sex},
			countCell(c.Total), avail, countCell(c.Reserved), countCell(c.Occupied), countCell(c.Cleaning), countCell(c.Blocked),
		})
	}
	return t
}

// WardCard is one ward on the ward chooser.
type WardCard struct {
	Code, Name, Type, Floor string
	Counts                  BedCounts
}

// Href is the ward board's address.
func (w WardCard) Href() string { return "/ward/" + w.Code }

// BedTile is one bed on the ward board.
type BedTile struct {
	Code       string
	State      string // available, reserved, occupied, cleaning, blocked
	StateLabel string
	TypeName   string   // the bed type's name from the price list
	Reason     string   // why it is blocked or being cleaned
	Features   []string // oxygen, monitor …
}

// WardBoardVM is the live board of one ward. The board polls its own URL; PollHeaders
// marks those polls as background so they do not keep a session alive.
type WardBoardVM struct {
	Code, Name, Type, Floor, Sex, NurseStation string
	Beds                                       []BedTile
	Counts                                     BedCounts
	PollHeaders                                string
	Version                                    string `json:"-"` // fingerprint of the rest, sent back by the poll
}

// PollURL is the address the board refreshes itself from.
func (vm WardBoardVM) PollURL() string { return "/ward/" + vm.Code }

// PollVals sends the shown version with each poll, so "nothing changed" can be answered with 204.
func (vm WardBoardVM) PollVals() string { return `{"v":"` + vm.Version + `"}` }

// bedTileClass colours a tile by state; whole class names so Tailwind finds them.
func bedTileClass(state string) string {
	switch state {
	case "available":
		return "border-green-400 bg-green-50 text-green-950"
	case "reserved":
		return "border-sky-400 bg-sky-50 text-sky-950"
	case "occupied":
		return "border-blue-400 bg-blue-100 text-blue-950"
	case "cleaning":
		return "border-amber-400 bg-amber-50 text-amber-950"
	case "blocked":
		return "border-red-400 bg-red-50 text-red-950"
	}
	return "border-slate-300 bg-white text-slate-900"
}

// bedStateBadge picks the badge colour of a state label on a tile.
func bedStateBadge(state string) string {
	switch state {
	case "available":
		return "green"
	case "reserved":
		return "sky"
	case "cleaning":
		return "amber"
	case "blocked":
		return "red"
	}
	return "slate"
}

// DisplayWard is one ward on the waiting-room screen: counts only, never a patient.
type DisplayWard struct {
	Name             string
	Available, Total int
}

// DisplayVM is the waiting-room screen's bed availability.
type DisplayVM struct {
	Wards       []DisplayWard
	Available   int
	Total       int
	Time, Date  string
	PollHeaders string
}

// countCell is a right-aligned number cell.
func countCell(n int) components.Cell { return components.Cell{Text: strconv.Itoa(n), Right: true} }
