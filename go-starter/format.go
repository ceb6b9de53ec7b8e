package main

import (
	"net/url"
	"os"
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
