"""contract/unknown_fields.py: every key of a proto JSON document that names no field, by
path, as the worker's input decoding and the Python starter's --input report them."""

from __future__ import annotations

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.descriptor import Descriptor

from skypilot_temporal.contract.unknown_fields import unknown_fields
from skypilot_temporal.v1 import pipeline_pb2 as pb

INPUT = pb.SkyPilotWorkflowInput.DESCRIPTOR


def test_a_document_of_known_fields_by_json_or_proto_name_has_none() -> None:
    doc = {"repoUrl": "r", "cluster_prefix": "p", "envsOverride": {"ANY_KEY": "v"},
           "steps": [{"name": "a", "task_yaml": "a.yaml"}, {"name": "b", "taskYaml": "b.yaml"}],
           "launch": {"idleMinutesToAutodown": 5}}
    assert unknown_fields(INPUT, doc) == []


def test_every_unknown_key_is_named_by_its_path_sorted() -> None:
    doc = {"repo_url": "r", "zeta": 1, "repoUrl2": "y", "launch": {"idle": 5},
           "steps": [{"name": "a"}, {"name": "b", "taskYml": "b.yaml", "needz": []}]}
    assert unknown_fields(INPUT, doc) == [
        '"launch.idle"', '"repoUrl2"', '"steps[1].needz"', '"steps[1].taskYml"', '"zeta"']


def test_a_value_of_the_wrong_type_is_left_to_json_format() -> None:
    assert unknown_fields(INPUT, {"steps": "not-a-list", "launch": 5, "envsOverride": []}) == []
    assert unknown_fields(INPUT, {"steps": [7, {"nmae": "a"}]}) == ['"steps[1].nmae"']
    assert unknown_fields(INPUT, ["not", "an", "object"]) == []


def test_a_path_is_quoted_as_json_without_escaping_non_ascii() -> None:
    assert unknown_fields(INPUT, {'lé "x"': 1}) == ['"lé \\"x\\""']


def map_of_messages() -> Descriptor:
    """A message `Outer { map<string, Inner> items = 1; }`: the contract has no map of
    messages today, and the walk must look inside one's values when it has."""
    file = descriptor_pb2.FileDescriptorProto(name="unknown_fields_test.proto", package="t", syntax="proto3")
    inner = file.message_type.add(name="Inner")
    inner.field.add(name="name", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                    label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    outer = file.message_type.add(name="Outer")
    entry = outer.nested_type.add(name="ItemsEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
                    label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    entry.field.add(name="value", number=2, type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                    type_name=".t.Inner", label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)
    outer.field.add(name="items", number=1, type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
                    type_name=".t.Outer.ItemsEntry", label=descriptor_pb2.FieldDescriptorProto.LABEL_REPEATED)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return pool.FindMessageTypeByName("t.Outer")


def test_inside_a_map_of_messages_the_path_names_the_key() -> None:
    doc = {"items": {"a": {"name": "x"}, "b c": {"nme": "y"}}}
    assert unknown_fields(map_of_messages(), doc) == ['"items[\\"b c\\"].nme"']
