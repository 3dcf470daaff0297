package tables

import (
	"html"
	"slices"
	"strings"
)

// htmlTable renders a table whose columns listed in left are left-aligned text and the
// others right-aligned numbers.
func htmlTable(title string, header []string, body [][]string, left ...int) string {
	var b strings.Builder
	b.WriteString("<table>\n")
	if title != "" {
		b.WriteString("<caption>" + html.EscapeString(title) + "</caption>\n")
	}
	b.WriteString("<thead><tr>")
	for _, h := range header {
		b.WriteString("<th>" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range body {
		b.WriteString("<tr>")
		for i, c := range r {
			align := ` style="text-align:right"`
			if slices.Contains(left, i) {
				align = ` style="text-align:left"`
			}
			b.WriteString("<td" + align + ">" + html.EscapeString(c) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}
