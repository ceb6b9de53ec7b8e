package main

import "go.temporal.io/sdk/converter"

// dataConverter is the SDK default, which sends the contract's messages as
// json/protobuf, with one change: results and progress from a newer worker may
// carry fields this starter does not know yet; they are ignored.
func dataConverter() converter.DataConverter {
	return converter.NewCompositeDataConverter(
		converter.NewNilPayloadConverter(),
		converter.NewByteSlicePayloadConverter(),
		converter.NewProtoJSONPayloadConverterWithOptions(converter.ProtoJSONPayloadConverterOptions{AllowUnknownFields: true}),
		converter.NewProtoPayloadConverter(),
		converter.NewJSONPayloadConverter(),
	)
}
