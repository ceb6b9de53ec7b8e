// Temporal's default payload converter with protobuf support: the contract's messages travel as `json/protobuf`
// (messageType = full proto name), as in the Go and Python SDKs. The Client loads it by path: keep the export's name.
import { DefaultPayloadConverterWithProtobufs } from '@temporalio/common/lib/protobufs';
import root from './generated/root';

export const payloadConverter = new DefaultPayloadConverterWithProtobufs({ protobufRoot: root });
