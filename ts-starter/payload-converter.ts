// Temporal's default payload converter with protobuf support: messages of the
// contract travel as `json/protobuf` with metadata messageType = full proto name,
// as in the Go and Python SDKs. The Client loads this module by path
// (dataConverter.payloadConverterPath), so it must export `payloadConverter`.
import { DefaultPayloadConverterWithProtobufs } from '@temporalio/common/lib/protobufs';
import root from './generated/root';

export const payloadConverter = new DefaultPayloadConverterWithProtobufs({ protobufRoot: root });
