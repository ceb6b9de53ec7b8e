package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/skypilot_temporal/v1"
	cli "github.com/skypilot-temporal/skypilot-temporal/go-starter/gen/startercli"
)

// readInput parses a proto JSON SkyPilotWorkflowInput, naming every unknown field
// (protojson alone stops at the first).
func readInput(path string) (*pb.SkyPilotWorkflowInput, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, errors.New(cli.InputNotJSON(err.Error()))
	}
	in := &pb.SkyPilotWorkflowInput{}
	if unknown := unknownFields(in.ProtoReflect().Descriptor(), doc, ""); len(unknown) > 0 {
		return nil, errors.New(cli.InputUnknownFields(strings.Join(unknown, ", ")))
	}
	if err := protojson.Unmarshal(data, in); err != nil {
		return nil, err
	}
	return in, nil
}

// unknownFields lists, sorted, the quoted paths of JSON keys that name no field
// (by JSON name or proto name) of message md.
func unknownFields(md protoreflect.MessageDescriptor, doc any, prefix string) []string {
	obj, ok := doc.(map[string]any)
	if !ok {
		return nil // wrong JSON types are reported by protojson
	}
	var unknown []string
	for key, value := range obj {
		fd := md.Fields().ByJSONName(key)
		if fd == nil {
			fd = md.Fields().ByName(protoreflect.Name(key))
		}
		path := prefix + key
		switch {
		case fd == nil:
			unknown = append(unknown, strconv.Quote(path))
		case fd.IsMap():
			if m, ok := value.(map[string]any); ok && fd.MapValue().Message() != nil {
				for k, v := range m {
					unknown = append(unknown, unknownFields(fd.MapValue().Message(), v, path+"["+strconv.Quote(k)+"].")...)
				}
			}
		case fd.IsList() && fd.Message() != nil:
			if list, ok := value.([]any); ok {
				for i, v := range list {
					unknown = append(unknown, unknownFields(fd.Message(), v, fmt.Sprintf("%s[%d].", path, i))...)
				}
			}
		case fd.Message() != nil:
			unknown = append(unknown, unknownFields(fd.Message(), value, path+".")...)
		}
	}
	slices.Sort(unknown)
	return unknown
}
