package main

import (
	"cmp"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

type options struct {
	input                 *pb.SkyPilotWorkflowInput
	workflowID, taskQueue string
	noWait, quiet         bool
}

// The contract's rule for the KEY of --env KEY=VALUE and a --secret-env name.
var envNameRule = cli.EnvNameRule(cli.EnvNamePattern, strconv.Itoa(cli.EnvNameMaxLength))

// parseArgs builds the workflow input from the --input file, the environment and the flags,
// each beating the one before. Its errors are usage errors (exit status 2), but flag.ErrHelp.
func parseArgs(args []string, getenv func(string) string) (*options, error) {
	fs, given, last := flagSet(cli.Flags)
	if err := fs.Parse(args); err != nil {
		return nil, err
	} else if last[cli.Help.Name] != "" {
		return nil, flag.ErrHelp
	} else if fs.NArg() > 0 {
		return nil, errors.New(cli.UnexpectedArgument(strconv.Quote(fs.Arg(0))))
	}
	return startOptions(given, last, getenv)
}

// startOptions is parseArgs after the command line is read: given holds each flag's values and last its last, by name.
func startOptions(given map[string][]string, last map[string]string, getenv func(string) string) (*options, error) {
	setting := func(f cli.Flag) string { return cmp.Or(last[f.Name], getenv(f.Env)) } // no variable: getenv("") is ""
	in := &pb.SkyPilotWorkflowInput{}
	if path := setting(cli.Input); path != "" {
		if err := readInput(path, in); err != nil {
			return nil, errors.New(cli.InputInvalid(path, err.Error()))
		}
	}
	for _, f := range cli.Flags {
		// A flag given empty is set too: for a number field, "" is refused.
		if _, given := last[f.Name]; f.InputField != "" && !f.Repeatable && (setting(f) != "" || given) {
			if err := setFlagField(in.ProtoReflect(), f, setting(f)); err != nil {
				return nil, err
			}
		}
	}
	if in.EnvsOverride == nil {
		in.EnvsOverride = map[string]string{}
	}
	for _, kv := range given[cli.Env.Name] {
		key, value, ok := strings.Cut(kv, "=")
		if !ok || !cli.IsEnvName(key) {
			return nil, errors.New(cli.EnvInvalid(strconv.Quote(kv), envNameRule))
		}
		in.EnvsOverride[key] = value
	}
	// Names given as flags replace the environment's list; either adds to the file's.
	secrets := given[cli.SecretEnv.Name]
	if len(secrets) == 0 {
		for _, s := range strings.Split(getenv(cli.SecretEnv.Env), ",") {
			if s = strings.TrimSpace(s); s != "" {
				secrets = append(secrets, s)
			}
		}
	}
	for _, name := range secrets {
		if !cli.IsEnvName(name) {
			return nil, errors.New(cli.SecretEnvInvalid(strconv.Quote(name), envNameRule))
		}
		if !slices.Contains(in.SecretEnvNames, name) {
			in.SecretEnvNames = append(in.SecretEnvNames, name)
		}
	}
	if in.RepoUrl == "" {
		return nil, errors.New(cli.RepoMissing())
	}
	id := make([]byte, cli.WorkflowIDRandomBytes)
	rand.Read(id)
	return &options{
		input:      in,
		workflowID: cmp.Or(setting(cli.WorkflowID), fmt.Sprintf("%s%x", cli.WorkflowIDPrefix, id)),
		taskQueue:  cmp.Or(setting(cli.TaskQueue), cli.DefaultTaskQueue),
		noWait:     last[cli.NoWait.Name] != "",
		quiet:      last[cli.Quiet.Name] != "",
	}, nil
}

// flagSet defines flags on a flag set that keeps each one's values, and its last, by name; a switch that is on holds
// "true" (--quiet=false does not turn it on).
func flagSet(flags []cli.Flag) (fs *flag.FlagSet, given map[string][]string, last map[string]string) {
	fs, given, last = flag.NewFlagSet("go-starter", flag.ContinueOnError), map[string][]string{}, map[string]string{}
	fs.SetOutput(io.Discard)
	for _, f := range flags {
		add := func(s string) error { given[f.Name], last[f.Name] = append(given[f.Name], s), s; return nil }
		for _, name := range slices.DeleteFunc([]string{f.Name, f.Short}, func(n string) bool { return n == "" }) {
			if f.Arg != "" {
				fs.Func(name, "", add)
			} else {
				fs.BoolFunc(name, "", func(s string) error {
					if on, err := strconv.ParseBool(s); !on {
						return err
					}
					return add("true")
				})
			}
		}
	}
	return fs, given, last
}

// parseSubcommand reads a subcommand's one argument (none when sc names none; missing says it is missing) and its flags,
// which may come before or after it (the flag package stops at the first argument): the argument, each flag's values
// and its last value by name. Its errors are usage errors, but flag.ErrHelp.
func parseSubcommand(sc cli.Subcommand, args []string, missing func() string) (string, map[string][]string, map[string]string, error) {
	fs, given, last := flagSet(sc.Flags)
	var positional []string
	for err := fs.Parse(args); err != nil || fs.NArg() > 0; err = fs.Parse(args) {
		if err != nil {
			return "", nil, nil, err
		}
		positional, args = append(positional, fs.Arg(0)), fs.Args()[1:]
	}
	wanted := min(len(sc.Arg), 1) // the arguments sc takes: one, unless its help names none
	switch {
	case last[cli.Help.Name] != "":
		return "", nil, nil, flag.ErrHelp
	case wanted == 1 && (len(positional) == 0 || positional[0] == ""):
		return "", nil, nil, errors.New(missing())
	case len(positional) > wanted:
		return "", nil, nil, errors.New(cli.UnexpectedArgument(strconv.Quote(positional[wanted])))
	}
	return strings.Join(positional, ""), given, last, nil
}

// helpOrUsage answers a subcommand's command line that err refuses: its help for flag.ErrHelp (exit status 0), else the
// usage error (2). done is false when err is nil.
func helpOrUsage(err error, help string, stdout, stderr io.Writer) (status int, done bool) {
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, help)
		return 0, true
	} else if err != nil {
		return usageFailed(stderr, err.Error()), true
	}
	return 0, false
}

// usageFailed says message as a usage error; the exit status.
func usageFailed(stderr io.Writer, message string) int {
	fmt.Fprintf(stderr, "%s\n%s\n", cli.UsageError(message), cli.UsageHint())
	return 2
}

// readInput parses the --input file (proto JSON) into in, naming every unknown field: protojson alone stops at the first.
func readInput(path string, in *pb.SkyPilotWorkflowInput) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return errors.New(cli.InputNotJSON(err.Error()))
	}
	if unknown := unknownFields(in.ProtoReflect().Descriptor(), doc, ""); len(unknown) > 0 {
		slices.Sort(unknown)
		return errors.New(cli.InputUnknownFields(strings.Join(unknown, ", ")))
	}
	return protojson.Unmarshal(data, in)
}

// unknownFields lists the quoted paths of the JSON keys that name no field (by JSON or
// proto name) of message md. A value of the wrong JSON type is protojson's to report.
func unknownFields(md protoreflect.MessageDescriptor, doc any, prefix string) (unknown []string) {
	obj, _ := doc.(map[string]any)
	for key, value := range obj {
		fd := cmp.Or(md.Fields().ByJSONName(key), md.Fields().ByName(protoreflect.Name(key)))
		switch path := prefix + key; {
		case fd == nil:
			unknown = append(unknown, strconv.Quote(path))
		case fd.IsList() && fd.Message() != nil:
			list, _ := value.([]any)
			for i, v := range list {
				unknown = append(unknown, unknownFields(fd.Message(), v, fmt.Sprintf("%s[%d].", path, i))...)
			}
		case fd.Message() != nil && !fd.IsMap(): // a map's values are strings in this contract: protojson checks them
			unknown = append(unknown, unknownFields(fd.Message(), value, path+".")...)
		}
	}
	return unknown
}
