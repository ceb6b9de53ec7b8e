package main

import (
	"math"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// uiLink points at the workflow in the Temporal Web UI.
func uiLink(namespace, workflowID string) string {
	base := os.Getenv(cli.UIURLEnv)
	if base == "" {
		base = cli.UIURLDefault
	}
	return strings.TrimRight(base, "/") + "/namespaces/" + url.PathEscape(namespace) + "/workflows/" + url.PathEscape(workflowID)
}

// oneLine keeps an error detail to the single line the starter prints it on.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// seconds is rounded to a tenth, shortest form: as JavaScript's and Python's
// starters print it.
func seconds(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// number writes a metric as JavaScript's String(number) does, as the TypeScript
// and Python starters do: the shortest digits that read back as the same double;
// plain from 1e-6 up to 1e21, else with an exponent (1e-7, 1.5e+21).
func number(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "Infinity"
	case math.IsInf(v, -1):
		return "-Infinity"
	case v == 0:
		return "0"
	}
	sign := ""
	if v < 0 {
		sign = "-"
	}
	mantissa, exp, _ := strings.Cut(strconv.FormatFloat(math.Abs(v), 'e', -1, 64), "e")
	e, _ := strconv.Atoi(exp)
	return sign + jsNumber(strings.Replace(mantissa, ".", "", 1), e+1)
}

// jsNumber lays out digits d1d2...dk with the decimal point after point of them
// (0.d1d2... x 10^point) as ECMAScript's Number::toString does.
func jsNumber(digits string, point int) string {
	k := len(digits)
	switch {
	case k <= point && point <= 21:
		return digits + strings.Repeat("0", point-k)
	case 0 < point && point <= 21:
		return digits[:point] + "." + digits[point:]
	case -6 < point && point <= 0:
		return "0." + strings.Repeat("0", -point) + digits
	}
	s := digits[:1]
	if k > 1 {
		s += "." + digits[1:]
	}
	if exp := point - 1; exp < 0 {
		return s + "e-" + strconv.Itoa(-exp)
	}
	return s + "e+" + strconv.Itoa(point-1)
}

// metricsText is " name=value" for each metric, by name: appended to a step's line.
func metricsText(metrics map[string]float64) string {
	names := make([]string, 0, len(metrics))
	for name := range metrics {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString(cli.Metric(name, number(metrics[name])))
	}
	return b.String()
}

// stepLabel names a step, or one branch of a swept step: `eval [3 (LR=3e-4,BATCH=64)]`.
func stepLabel(name, branch string) string {
	if branch == "" {
		return name
	}
	return cli.StepLabel(name, branch)
}
