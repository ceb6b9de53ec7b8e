package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"io"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// options is what the command line asks for.
type options struct {
	input      *pb.SkyPilotWorkflowInput
	workflowID string
	taskQueue  string
	noWait     bool
	quiet      bool
}

// usageError marks a problem with the command line or --input (exit status 2).
type usageError struct{ error }

func usage(message string) error { return usageError{errors.New(message)} }

// parseArgs builds the workflow input from the --input file, the environment and
// the flags, each beating the one before. The flags are the shared table's
// (proto/skypilot_temporal/v1/starter_cli.json); --help returns flag.ErrHelp.
func parseArgs(args []string, getenv func(string) string) (*options, error) {
	given, err := parseFlags(args)
	if err != nil {
		return nil, err
	}
	last := func(f cli.Flag) string {
		if v := given[f.Name]; len(v) > 0 {
			return v[len(v)-1]
		}
		return ""
	}
	setting := func(f cli.Flag) string {
		if v := last(f); v != "" || f.Env == "" {
			return v
		}
		return getenv(f.Env)
	}

	in := &pb.SkyPilotWorkflowInput{}
	if path := last(cli.Input); path != "" {
		if in, err = readInput(path); err != nil {
			return nil, usage(cli.InputInvalid(path, err.Error()))
		}
	}
	for _, f := range cli.Flags {
		if f.InputField != "" && !f.Repeatable {
			if v := setting(f); v != "" {
				setStringField(in, f.InputField, v)
			}
		}
	}
	for _, kv := range given[cli.Env.Name] {
		key, value, ok := strings.Cut(kv, "=")
		if !ok || !isEnvName(key) {
			return nil, usage(cli.EnvInvalid(strconv.Quote(kv), envNameRule()))
		}
		if in.EnvsOverride == nil {
			in.EnvsOverride = map[string]string{}
		}
		in.EnvsOverride[key] = value
	}
	secrets := given[cli.SecretEnv.Name]
	if len(secrets) == 0 {
		for _, s := range strings.Split(getenv(cli.SecretEnv.Env), ",") {
			if s = strings.TrimSpace(s); s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	for _, name := range secrets {
		if !isEnvName(name) {
			return nil, usage(cli.SecretEnvInvalid(strconv.Quote(name), envNameRule()))
		}
		if !slices.Contains(in.SecretEnvNames, name) {
			in.SecretEnvNames = append(in.SecretEnvNames, name)
		}
	}
	if in.RepoUrl == "" {
		return nil, usage(cli.RepoMissing())
	}

	opts := &options{input: in, workflowID: last(cli.WorkflowID), taskQueue: setting(cli.TaskQueue), noWait: last(cli.NoWait) != "", quiet: last(cli.Quiet) != ""}
	if opts.taskQueue == "" {
		opts.taskQueue = defaultTaskQueue
	}
	if opts.workflowID == "" {
		b := make([]byte, cli.WorkflowIDRandomBytes)
		_, _ = rand.Read(b)
		opts.workflowID = cli.WorkflowIDPrefix + hex.EncodeToString(b)
	}
	return opts, nil
}

// parseFlags returns every value given to each flag of the table, by flag name;
// a switch that is on holds "true".
func parseFlags(args []string) (map[string][]string, error) {
	fs := flag.NewFlagSet("go-starter", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	given := map[string][]string{}
	for _, f := range cli.Flags {
		add := func(s string) error { given[f.Name] = append(given[f.Name], s); return nil }
		for _, name := range []string{f.Name, f.Short} {
			switch {
			case name == "":
			case f.Arg == "":
				fs.BoolFunc(name, "", func(s string) error {
					if on, err := strconv.ParseBool(s); err != nil || !on {
						return err
					}
					return add("true")
				})
			default:
				fs.Func(name, "", add)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return nil, usageError{err}
	}
	if len(given[cli.Help.Name]) > 0 {
		return nil, flag.ErrHelp
	}
	if fs.NArg() > 0 {
		return nil, usage(cli.UnexpectedArgument(strconv.Quote(fs.Arg(0))))
	}
	return given, nil
}

// setStringField sets the string field named (in the proto) field of in.
func setStringField(in *pb.SkyPilotWorkflowInput, field, value string) {
	m := in.ProtoReflect()
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(field))
	if fd == nil || fd.Kind() != protoreflect.StringKind || fd.Cardinality() == protoreflect.Repeated {
		panic("the flag table names " + field + ", not a string field of SkyPilotWorkflowInput")
	}
	m.Set(fd, protoreflect.ValueOfString(value))
}
