package main

import (
	"errors"
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"

	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// wholeNumberFlags holds, for each flag setting an integer field of the input, its largest value and the message
// refusing any other value (JSON-quoted, as the contract's messages quote a value).
var wholeNumberFlags = map[string]struct {
	max     uint64
	invalid func(value string) string
}{
	cli.WaitForRepairMinutes.Name: {cli.WaitForRepairMaxMinutes, cli.RepairMinutesInvalid},
}

// fieldPath is the fields a flag's input field names in message md (proto names, dotted into nested messages), outer
// first; nil when md has no such field.
func fieldPath(md protoreflect.MessageDescriptor, inputField string) (path []protoreflect.FieldDescriptor) {
	for _, name := range strings.Split(inputField, ".") {
		if md == nil {
			return nil
		}
		fd := md.Fields().ByName(protoreflect.Name(name))
		if fd == nil {
			return nil
		}
		path, md = append(path, fd), fd.Message()
	}
	return path
}

// setFlagField sets the input field of flag f in message m to value: a string field as is (empty: left as it is), an
// integer field to value read as decimal digits alone, no larger than the flag's largest value.
func setFlagField(m protoreflect.Message, f cli.Flag, value string) error {
	path := fieldPath(m.Descriptor(), f.InputField)
	last := path[len(path)-1]
	var v protoreflect.Value
	switch last.Kind() {
	case protoreflect.StringKind:
		if value == "" {
			return nil
		}
		v = protoreflect.ValueOfString(value)
	case protoreflect.Uint32Kind, protoreflect.Uint64Kind:
		rule := wholeNumberFlags[f.Name]
		// ParseUint refuses a sign, spaces and anything but digits in base 10.
		n, err := strconv.ParseUint(value, 10, 64)
		if err != nil || n > rule.max {
			return errors.New(rule.invalid(strconv.Quote(value)))
		}
		v = protoreflect.ValueOfUint64(n)
		if last.Kind() == protoreflect.Uint32Kind {
			v = protoreflect.ValueOfUint32(uint32(n))
		}
	}
	for _, fd := range path[:len(path)-1] {
		m = m.Mutable(fd).Message()
	}
	m.Set(last, v)
	return nil
}
