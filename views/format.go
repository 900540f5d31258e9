package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

func statusText(code int) string { return strconv.Itoa(code) }

// Money formats minor units (paise) as rupees with Indian digit grouping: ₹1,23,456.50.
func Money(paise int64) string {
	neg := paise < 0
	if neg {
		paise = -paise
	}
	rupees, frac := paise/100, paise%100
	s := strconv.FormatInt(rupees, 10)
	if len(s) > 3 {
		head, tail := s[:len(s)-3], s[len(s)-3:]
		var parts []string
		for len(head) > 2 {
			parts = append([]string{head[len(head)-2:]}, parts...)
			head = head[:len(head)-2]
		}
		if head != "" {
			parts = append([]string{head}, parts...)
		}
		s = strings.Join(parts, ",") + "," + tail
	}
	out := "₹" + s + "." + pad2(frac)
	if neg {
		out = "−" + out
	}
	return out
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Date formats a time as 26 Nov 2026 in loc.
func Date(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 Jan 2006")
}

// DateTime formats a time as 26 Nov 2026 14:05 in loc.
func DateTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2 Jan 2006 15:04")
}

func int64Text(n int64) string { return strconv.FormatInt(n, 10) }

// Ago says how long before now t was, coarsely: "5 min ago", "3 h ago", "2 days ago".
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%d days ago", int(d.Hours()/24))
	}
}

// Bytes writes a size for people: "812 B", "23.4 KB", "1.2 MB".
func Bytes(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	default:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	}
}
