package main

import (
	"regexp"
	"strconv"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// envName is the contract's rule for environment variable names (generated from
// the options of proto/skypilot_temporal/v1/pipeline.proto, like every name here).
var envName = regexp.MustCompile(`^(?:` + cli.EnvNamePattern + `)$`)

// isEnvName tells whether name may be an environment variable name: the KEY of
// --env KEY=VALUE or a --secret-env name.
func isEnvName(name string) bool {
	return len(name) <= cli.EnvNameMaxLength && envName.MatchString(name)
}

// envNameRule says, in usage errors, what isEnvName allows.
func envNameRule() string {
	return cli.EnvNameRule(cli.EnvNamePattern, strconv.Itoa(cli.EnvNameMaxLength))
}
